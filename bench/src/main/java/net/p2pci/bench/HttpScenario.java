package net.p2pci.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;

/**
 * The {@code http-get} scenario: the same downloads as {@code get} (the same {@link ClosedLoop}, the same
 * {@link Download}, a new connection per request) as HTTP/1.1 GETs with {@code Connection: close} against a web
 * server already running on loopback, such as nginx serving the same RFC file; so that the ratio of the two is
 * taken with one client. Every answer must be a 200 whose Content-Length and body are the file's size.
 */
final class HttpScenario {
    private HttpScenario() {
    }

    static Result run(Settings settings, InetSocketAddress server) throws IOException {
        long size = Files.size(settings.rfcFile());
        Result result = new Result(settings.scenario(), settings.describe() + " file=" + size + " bytes url=http://"
                + server.getAddress().getHostAddress() + ":" + server.getPort() + settings.httpPath());
        GetScenario.measureDownloads(result, server, HttpHead.request(server, settings.httpPath()), HttpHead::read,
                size, settings.connections(), ClosedLoop.Phases.of(settings.warmup(), settings.duration()),
                settings.serverPid().map(ProcessCpu::of));
        return result;
    }
}
