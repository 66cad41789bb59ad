package net.p2pci.server;

/** The text of index requests for tests, written out by hand as a foreign client would send them. */
final class Requests {
    private Requests() {
    }

    static String add(int rfc, String host, int port, String title) {
        return "ADD RFC " + rfc + " P2P-CI/1.0\r\nHost: " + host + "\r\nPort: " + port + "\r\nTitle: " + title + "\r\n\r\n";
    }

    static String lookup(int rfc, String host, int port) {
        return "LOOKUP RFC " + rfc + " P2P-CI/1.0\r\nHost: " + host + "\r\nPort: " + port + "\r\n\r\n";
    }

    static String list(String host, int port) {
        return "LIST ALL P2P-CI/1.0\r\nHost: " + host + "\r\nPort: " + port + "\r\n\r\n";
    }
}
