package io.payroute.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A merchant's webhook endpoint on an ephemeral loopback port: records every request, answers 200 unless told otherwise. */
final class WebhookReceiver implements AutoCloseable {

    record Received(String method, String path, Headers headers, byte[] body) {
        String header(String name) {
            return headers.getFirst(name);
        }

        JsonNode json() {
            try {
                return SimulatorTestSupport.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("webhook body is not JSON", e);
            }
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final Queue<Integer> answers = new ConcurrentLinkedQueue<>();
    private volatile CountDownLatch hold = new CountDownLatch(0);

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** The next requests are answered with these statuses, in order; 200 after that. */
    void answerNext(int... statuses) {
        for (int s : statuses) {
            answers.add(s);
        }
    }

    /** Requests are recorded but not answered until {@link #release()}. */
    void hold() {
        hold = new CountDownLatch(1);
    }

    void release() {
        hold.countDown();
    }

    void reset() {
        release();
        received.clear();
        answers.clear();
    }

    /** The next webhook, waiting up to {@code timeout} for it. */
    Received next(Duration timeout) throws InterruptedException {
        Received r = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(r).as("a webhook within " + timeout).isNotNull();
        return r;
    }

    /** Asserts that no (further) webhook comes within {@code quiet}. */
    void expectNothing(Duration quiet) throws InterruptedException {
        Received r = received.poll(quiet.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(r).as("no webhook expected, got " + (r == null ? null : new String(r.body()))).isNull();
    }

    /**
     * Asserts that no webhook mentioning {@code text} (an id of this test's objects) comes within {@code quiet};
     * late webhooks of earlier tests' objects are skipped.
     */
    void expectNothingAbout(String text, Duration quiet) throws InterruptedException {
        long deadline = System.currentTimeMillis() + quiet.toMillis();
        for (long left = quiet.toMillis(); left > 0; left = deadline - System.currentTimeMillis()) {
            Received r = received.poll(left, TimeUnit.MILLISECONDS);
            if (r != null && new String(r.body(), java.nio.charset.StandardCharsets.UTF_8).contains(text)) {
                throw new AssertionError("no webhook about " + text + " expected, got " + new String(r.body()));
            }
        }
    }

    List<Received> drain() {
        List<Received> out = new ArrayList<>();
        received.drainTo(out);
        return out;
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readAllBytes();
        }
        received.add(new Received(ex.getRequestMethod(), ex.getRequestURI().getPath(), ex.getRequestHeaders(), body));
        try {
            hold.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Integer status = answers.poll();
        ex.sendResponseHeaders(status == null ? 200 : status, -1);
        ex.close();
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        executor.shutdownNow();
    }
}
