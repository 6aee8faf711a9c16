package io.payroute.secrets;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The 256-bit master key everything PayRoute seals is encrypted under. Production sets
 * {@code PAYROUTE_MASTER_KEY} (base64 of 32 random bytes), the same on every instance; without it the all-in-one
 * run keeps a generated key in {@code payroute.secrets.key-file}, so a restarted service can open what it sealed.
 * <p>
 * Rotation: the new key becomes {@code PAYROUTE_MASTER_KEY} and the old one moves to
 * {@code PAYROUTE_PREVIOUS_MASTER_KEYS} (comma-separated): values sealed under it still open, new ones are sealed
 * under the new key, and {@code POST /v1/admin/secrets/reseal} re-encrypts the stored ones (docs/security.md).
 * Each key is known by an id, the first 4 bytes of its SHA-256, written into every sealed value.
 */
@Component
public class MasterKey {

    private static final int KEY_BYTES = 32;

    private final SecretKey key;
    private final List<SecretKey> previous = new ArrayList<>();

    public MasterKey(@Value("${payroute.secrets.master-key:}") String configured,
                     @Value("${payroute.secrets.key-file}") Path keyFile,
                     @Value("${payroute.secrets.previous-master-keys:}") String previousKeys) {
        String base64 = configured.isBlank()
                ? SecretFile.readOrCreate(keyFile, MasterKey::generate, "PAYROUTE_MASTER_KEY")
                : configured;
        this.key = new SecretKeySpec(decode(base64, configured.isBlank() ? keyFile.toString() : "payroute.secrets.master-key"), "AES");
        for (String old : previousKeys.split(",")) {
            if (!old.isBlank()) {
                previous.add(new SecretKeySpec(decode(old.trim(), "payroute.secrets.previous-master-keys"), "AES"));
            }
        }
    }

    /** The key new values are sealed under. */
    SecretKey key() {
        return key;
    }

    /** Every key a sealed value may be under, the current one first. */
    List<SecretKey> all() {
        List<SecretKey> keys = new ArrayList<>(previous.size() + 1);
        keys.add(key);
        keys.addAll(previous);
        return keys;
    }

    static byte[] id(SecretKey key) {
        try {
            return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()), 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Optional<SecretKey> byId(byte[] id) {
        return all().stream().filter(k -> Arrays.equals(id(k), id)).findFirst();
    }

    private static String generate() {
        byte[] bytes = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static byte[] decode(String base64, String source) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(source + " is not base64", e);
        }
        if (bytes.length != KEY_BYTES) {
            throw new IllegalStateException(source + " must be " + KEY_BYTES + " bytes (base64 of 32 random bytes), not " + bytes.length);
        }
        return bytes;
    }
}
