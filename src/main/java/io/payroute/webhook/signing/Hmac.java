package io.payroute.webhook.signing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC as webhook schemes use it: lowercase hex of the MAC, compared in constant time. */
public final class Hmac {

    private Hmac() {
    }

    /** Lowercase hex HMAC of the parts, concatenated, under {@code key} (e.g. algorithm HmacSHA256). */
    public static String hex(String algorithm, byte[] key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            for (byte[] part : parts) {
                mac.update(part);
            }
            return HexFormat.of().formatHex(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("unusable HMAC algorithm " + algorithm, e);
        }
    }

    /** Equality that takes as long whichever byte differs, so a forger learns nothing from timing. */
    public static boolean constantTimeEquals(String expected, String presented) {
        return presented != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }
}
