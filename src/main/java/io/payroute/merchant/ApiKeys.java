package io.payroute.merchant;

import java.security.SecureRandom;

import io.payroute.secrets.Digests;

/**
 * Merchant secret API keys: {@code sk_} + 32 characters of base62 (190 random bits). Only the SHA-256 of a key is
 * stored; the key itself is shown once, when it is created.
 */
public final class ApiKeys {

    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {
    }

    public static String generate() {
        char[] out = new char[32];
        for (int i = 0; i < out.length; i++) {
            out[i] = BASE62[RANDOM.nextInt(BASE62.length)];
        }
        return "sk_" + new String(out);
    }

    public static String hash(String key) {
        return Digests.sha256Hex(key);
    }

    /** What operators see of a key: enough to tell keys apart, too little to use. */
    public static String prefix(String key) {
        return key.substring(0, Math.min(key.length(), 7)) + "…";
    }
}
