package io.payroute.secrets;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

import org.springframework.stereotype.Component;

/**
 * AES-256-GCM under the {@link MasterKey}: for payment details that must travel through the broker or wait in
 * the outbox (a work message for a charge to be routed later). The associated data binds a sealed value to its
 * owner (a charge id), so it cannot be replayed for another one. Format: base64(version byte, 12-byte IV, ciphertext+tag).
 */
@Component
public class Sealer {

    private static final byte VERSION = 1;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final MasterKey masterKey;
    private final SecureRandom random = new SecureRandom();

    public Sealer(MasterKey masterKey) {
        this.masterKey = masterKey;
    }

    public String seal(byte[] plaintext, String owner) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, masterKey.key(), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(owner.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext);
            return Base64.getEncoder().encodeToString(ByteBuffer.allocate(1 + IV_BYTES + sealed.length)
                    .put(VERSION).put(iv).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /** @throws SealedValueException when the value was not sealed under this key for this owner, or was altered */
    public byte[] open(String sealed, String owner) {
        try {
            ByteBuffer in = ByteBuffer.wrap(Base64.getDecoder().decode(sealed));
            if (in.remaining() < 1 + IV_BYTES + TAG_BITS / 8 || in.get() != VERSION) {
                throw new SealedValueException("unknown sealed format");
            }
            byte[] iv = new byte[IV_BYTES];
            in.get(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, masterKey.key(), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(owner.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(in.array(), in.position(), in.remaining());
        } catch (IllegalArgumentException e) {
            throw new SealedValueException("not base64");
        } catch (GeneralSecurityException e) {
            throw new SealedValueException("cannot be opened with this master key (wrong key, owner, or altered): " + e.getClass().getSimpleName());
        }
    }

    public static class SealedValueException extends RuntimeException {
        SealedValueException(String message) {
            super(message);
        }
    }
}
