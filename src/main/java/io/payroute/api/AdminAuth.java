package io.payroute.api;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

import io.payroute.secrets.SecretFile;
import org.apache.camel.Exchange;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The admin API's credential (bean {@code adminAuth}): {@code Authorization: Bearer <key>}, compared in constant
 * time. The key is configured ({@code PAYROUTE_ADMIN_API_KEY}); without it the all-in-one run generates one into
 * {@code payroute.admin.api-key-file} (owner-only), and never logs it.
 */
@Component("adminAuth")
public class AdminAuth {

    private final byte[] key;

    public AdminAuth(@Value("${payroute.admin.api-key:}") String configured,
                     @Value("${payroute.admin.api-key-file}") Path keyFile) {
        this.key = (configured.isBlank() ? SecretFile.readOrCreate(keyFile, AdminAuth::generate, "PAYROUTE_ADMIN_API_KEY") : configured).getBytes(StandardCharsets.UTF_8);
    }

    /** First step of every admin route: 401 problem unless the request carries the admin key. */
    public void check(Exchange exchange) {
        if (!isAdmin(exchange)) {
            throw new ProblemException(401, "unauthorized", "Unauthorized",
                    "The admin API needs Authorization: Bearer <admin API key>");
        }
    }

    /**
     * For APIs that operators and merchants share (analytics): whether the request carries the admin key; if so
     * the admin is the actor. If not, a merchant's authentication reads the HTTP request's header again.
     */
    public boolean isAdmin(Exchange exchange) {
        String token = BearerToken.of(exchange);
        byte[] given = token == null ? new byte[0] : token.getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, key)) {
            return false;
        }
        LogContext.actor(exchange, "admin", LogContext.clientAddress(exchange));
        return true;
    }

    private static String generate() {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        return "adm_" + HexFormat.of().formatHex(random);
    }
}
