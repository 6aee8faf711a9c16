import java.io.FileWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.Executors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A merchant's webhook endpoint for the webhook-endpoint-down drill (cluster-drills.sh), on loopback: every POST
 * whose PayRoute-Signature verifies under the endpoint's secret (docs/webhooks.md) is answered 200, any other 400,
 * and each delivery is appended to the log as "&lt;epoch millis&gt; &lt;event id&gt; &lt;delivery attempt&gt;
 * &lt;verified|unverified&gt;" so the drill can count, time and deduplicate them.
 *
 * <pre>java bench/drills/WebhookReceiver.java &lt;port&gt; &lt;secret&gt; &lt;log&gt;</pre>
 */
public class WebhookReceiver {

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        byte[] secret = args[1].getBytes(StandardCharsets.UTF_8);
        Writer log = new FileWriter(args[2], StandardCharsets.UTF_8, true);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 100);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/", exchange -> {
            try (exchange) {
                byte[] body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = in.readAllBytes();
                }
                boolean verified = verified(exchange, body, secret);
                String line = System.currentTimeMillis() + " " + header(exchange, "PayRoute-Event-Id") + " "
                        + header(exchange, "PayRoute-Delivery-Attempt") + " " + (verified ? "verified" : "unverified") + "\n";
                synchronized (log) {
                    log.write(line);
                    log.flush();
                }
                exchange.sendResponseHeaders(verified ? 200 : 400, -1);
            }
        });
        server.start();
        System.out.println("receiving webhooks on 127.0.0.1:" + port);
    }

    private static String header(HttpExchange exchange, String name) {
        String value = exchange.getRequestHeaders().getFirst(name);
        return value == null ? "-" : value;
    }

    /** t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "t.body"&gt;, within 5 minutes of now. */
    private static boolean verified(HttpExchange exchange, byte[] body, byte[] secret) {
        String signature = exchange.getRequestHeaders().getFirst("PayRoute-Signature");
        if (signature == null) {
            return false;
        }
        String t = null;
        String v1 = null;
        for (String part : signature.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length == 2 && kv[0].equals("t")) {
                t = kv[1];
            } else if (kv.length == 2 && kv[0].equals("v1") && v1 == null) {
                v1 = kv[1];
            }
        }
        if (t == null || v1 == null) {
            return false;
        }
        try {
            if (Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(t)) > 300) {
                return false;
            }
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
            byte[] expected = HexFormat.of().formatHex(mac.doFinal(body)).getBytes(StandardCharsets.UTF_8);
            return MessageDigest.isEqual(expected, v1.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
