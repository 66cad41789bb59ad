package net.p2pci.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Consumer;

/**
 * Serves each exchange through a page's routes, and is the one place its failures are sorted: a
 * {@link RequestException} is answered with its status, the browser going away is only noted, anything else is
 * logged once and answered 500; the exchange is always closed. Thread-safe when the routes are.
 */
public final class ExchangeHandler implements HttpHandler {
    private final Routes routes;
    private final PageResponses responses;
    private final Log log;

    /** A page's routes: answers one exchange, or throws a {@link RequestException} to be answered. */
    @FunctionalInterface
    public interface Routes {
        void serve(HttpExchange exchange) throws IOException;
    }

    /**
     * Where the handler's notes go, in the page's own logger: {@code quiet} for what is routine (a browser that
     * went away), {@code failure} for an error of ours, once per exchange.
     */
    public record Log(Consumer<String> quiet, Consumer<RuntimeException> failure) {
    }

    public ExchangeHandler(Routes routes, PageResponses responses, Log log) {
        this.routes = routes;
        this.responses = responses;
        this.log = log;
    }

    @Override
    public void handle(HttpExchange exchange) {
        try {
            routes.serve(exchange);
        } catch (RequestException e) {
            sendError(exchange, e.status(), e.getMessage());
        } catch (IOException | UncheckedIOException e) {
            log.quiet().accept("exchange ended: " + e); // the browser went away
        } catch (RuntimeException e) {
            log.failure().accept(e);
            sendError(exchange, 500, "internal error");
        } finally {
            exchange.close();
        }
    }

    private void sendError(HttpExchange exchange, int code, String message) {
        try {
            responses.sendJsonError(exchange, code, message);
        } catch (IOException | RuntimeException e) {
            log.quiet().accept("could not answer " + code + ": " + e); // headers went out already, or it left
        }
    }
}
