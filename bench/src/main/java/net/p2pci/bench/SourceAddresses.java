package net.p2pci.bench;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Local addresses 127.0.0.2, 127.0.0.3, ... for client sockets, so that thousands of connections to one server port
 * spread over several addresses' ephemeral ports (Linux routes all of 127.0.0.0/8 to loopback).
 */
final class SourceAddresses {
    private final InetAddress[] addresses;

    SourceAddresses(int count) {
        addresses = new InetAddress[count];
        for (int i = 0; i < count; i++) {
            try {
                addresses[i] = InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (2 + i)});
            } catch (UnknownHostException e) {
                throw new IllegalStateException("a four-byte address is always valid", e);
            }
        }
    }

    /** The address for the {@code n}th connection, round robin. */
    InetAddress forConnection(int n) {
        return addresses[Math.floorMod(n, addresses.length)];
    }
}
