package io.payroute.secrets;

import java.nio.file.Path;
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
 */
@Component
public class MasterKey {

    private static final int KEY_BYTES = 32;

    private final SecretKey key;

    public MasterKey(@Value("${payroute.secrets.master-key:}") String configured,
                     @Value("${payroute.secrets.key-file}") Path keyFile) {
        String base64 = configured.isBlank()
                ? SecretFile.readOrCreate(keyFile, MasterKey::generate, "PAYROUTE_MASTER_KEY")
                : configured;
        this.key = new SecretKeySpec(decode(base64, configured.isBlank() ? keyFile.toString() : "payroute.secrets.master-key"), "AES");
    }

    SecretKey key() {
        return key;
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
