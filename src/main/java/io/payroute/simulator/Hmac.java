package io.payroute.simulator;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/** Lower-case hex HMACs, as the providers put them in their webhook signature headers. */
final class Hmac {
    static final String SHA256 = "HmacSHA256";
    static final String SHA512 = "HmacSHA512";

    private Hmac() {
    }

    /** HMAC of {@code data} keyed with the UTF-8 bytes of {@code secret}. */
    static String hex(String algorithm, String secret, byte[] data) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), algorithm));
            return HexFormat.of().formatHex(mac.doFinal(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is not available", e); // every JDK has both
        }
    }
}
