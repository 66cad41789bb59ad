package net.p2pci.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** Fetches a page of a program the demo started, to check that it answers. Stateless. */
final class WebCheck {
    private WebCheck() {
    }

    /** The body of a {@code 200} answer to {@code GET url}; empty on any other status or a failure. */
    static Optional<String> get(String url, Duration timeout) throws InterruptedException {
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(timeout)
                .proxy(HttpClient.Builder.NO_PROXY).build()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                    .GET().build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
