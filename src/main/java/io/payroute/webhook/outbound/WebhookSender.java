package io.payroute.webhook.outbound;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.payroute.webhook.WebhookProperties;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The HTTP side of merchant webhook delivery (Apache HttpClient 5, as camel-http uses): one POST, a hard deadline
 * of {@code payroute.webhooks.timeout} for the whole exchange, no redirects followed (a redirect could lead
 * anywhere), no automatic retries (retries are scheduled through the broker), and every connection resolved
 * through {@link EndpointAddressPolicy}.
 */
@Component
public class WebhookSender implements DisposableBean {

    /** What one attempt came to: a status code, or the error that prevented one. */
    public record Result(Integer statusCode, int latencyMs, String error) {
        public boolean delivered() {
            return statusCode != null && statusCode >= 200 && statusCode < 300;
        }

        /** For metrics: succeeded, http_<status class>, timeout, refused_address, connection_error. */
        public String outcome() {
            if (delivered()) {
                return "succeeded";
            }
            if (statusCode != null) {
                return "http_" + statusCode / 100 + "xx";
            }
            return error != null && error.startsWith("timed out") ? "timeout"
                    : error != null && error.contains("webhooks are not sent there") ? "refused_address" : "connection_error";
        }
    }

    private final CloseableHttpClient client;
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "webhook-deadlines");
        t.setDaemon(true);
        return t;
    });
    private final long timeoutMs;

    public WebhookSender(WebhookProperties properties, EndpointAddressPolicy addresses) {
        this.timeoutMs = properties.getTimeout().toMillis();
        Timeout timeout = Timeout.ofMilliseconds(timeoutMs);
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(addresses)
                        .setMaxConnTotal(Math.max(50, properties.getDeliveryConsumers() * 2))
                        .setMaxConnPerRoute(Math.max(2, properties.getPerEndpointConcurrency()))
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(timeout)
                                .setSocketTimeout(timeout).build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(timeout)
                        .setConnectionRequestTimeout(timeout).setRedirectsEnabled(false).build())
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .setUserAgent("PayRoute-Webhooks/1")
                .build();
    }

    public Result post(String url, byte[] body, Map<String, String> headers) {
        HttpPost post = new HttpPost(url);
        headers.forEach(post::setHeader);
        post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
        long started = System.nanoTime();
        ScheduledFuture<?> deadline = deadlines.schedule(post::cancel, timeoutMs, TimeUnit.MILLISECONDS);
        try {
            int status = client.execute(post, response -> {
                // read (a little of) the body so the connection can be reused; its content is not kept
                if (response.getEntity() != null) {
                    EntityUtils.toByteArray(response.getEntity(), 4096);
                }
                return response.getCode();
            });
            return new Result(status, elapsed(started), null);
        } catch (SocketTimeoutException e) {
            return new Result(null, elapsed(started), "timed out after " + timeoutMs + " ms");
        } catch (UnknownHostException e) {
            return new Result(null, elapsed(started), e.getMessage());
        } catch (IOException | RuntimeException e) {
            String error = post.isCancelled() ? "timed out after " + timeoutMs + " ms"
                    : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            return new Result(null, elapsed(started), error.length() > 1000 ? error.substring(0, 1000) : error);
        } finally {
            deadline.cancel(false);
        }
    }

    private static int elapsed(long started) {
        return (int) ((System.nanoTime() - started) / 1_000_000);
    }

    @Override
    public void destroy() throws IOException {
        deadlines.shutdownNow();
        client.close();
    }
}
