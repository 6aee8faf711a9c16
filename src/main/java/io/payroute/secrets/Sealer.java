package io.payroute.secrets;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

import org.springframework.stereotype.Component;

/**
 * AES-256-GCM under the {@link MasterKey}: for payment details that must travel through the broker or wait in
 * the outbox (a work message for a charge to be routed later). The associated data binds a sealed value to its
 * owner (a charge id), so it cannot be replayed for another one. Format: base64(version 2, 4-byte master key id,
 * 12-byte IV, ciphertext+tag); version 1 (no key id, from before key rotation) still opens.
 */
@Component
public class Sealer {

    private static final byte VERSION = 2;
    private static final byte VERSION_WITHOUT_KEY_ID = 1;
    private static final int KEY_ID_BYTES = 4;
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
            return Base64.getEncoder().encodeToString(ByteBuffer.allocate(1 + KEY_ID_BYTES + IV_BYTES + sealed.length)
                    .put(VERSION).put(MasterKey.id(masterKey.key())).put(iv).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /** @throws SealedValueException when the value was not sealed under a known key for this owner, or was altered */
    public byte[] open(String sealed, String owner) {
        ByteBuffer in;
        try {
            in = ByteBuffer.wrap(Base64.getDecoder().decode(sealed));
        } catch (IllegalArgumentException e) {
            throw new SealedValueException("not base64");
        }
        byte version = in.remaining() > 0 ? in.get() : 0;
        List<SecretKey> candidates;
        if (version == VERSION && in.remaining() >= KEY_ID_BYTES) {
            byte[] id = new byte[KEY_ID_BYTES];
            in.get(id);
            candidates = masterKey.byId(id).map(List::of).orElseThrow(() ->
                    new SealedValueException("sealed under a master key that is neither current nor in payroute.secrets.previous-master-keys"));
        } else if (version == VERSION_WITHOUT_KEY_ID) {
            candidates = masterKey.all();
        } else {
            throw new SealedValueException("unknown sealed format");
        }
        if (in.remaining() < IV_BYTES + TAG_BITS / 8) {
            throw new SealedValueException("unknown sealed format");
        }
        byte[] iv = new byte[IV_BYTES];
        in.get(iv);
        GeneralSecurityException last = null;
        for (SecretKey key : candidates) {
            try {
                Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
                cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
                cipher.updateAAD(owner.getBytes(StandardCharsets.UTF_8));
                return cipher.doFinal(in.array(), in.position(), in.remaining());
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new SealedValueException("cannot be opened with this master key (wrong key, owner, or altered): "
                + (last == null ? "no key" : last.getClass().getSimpleName()));
    }

    /** Whether {@code sealed} is under the current master key (else a reseal moves it there). */
    public boolean isCurrent(String sealed) {
        try {
            byte[] raw = Base64.getDecoder().decode(sealed);
            return raw.length > 1 + KEY_ID_BYTES && raw[0] == VERSION
                    && Arrays.equals(Arrays.copyOfRange(raw, 1, 1 + KEY_ID_BYTES), MasterKey.id(masterKey.key()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public static class SealedValueException extends RuntimeException {
        SealedValueException(String message) {
            super(message);
        }
    }
}
