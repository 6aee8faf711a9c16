package io.payroute.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AES-GCM sealing of payment details: only the same key and owner open a sealed value, and only unaltered. */
class SealerTest {

    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);

    @TempDir
    Path dir;

    private Sealer sealer(String configuredKey) {
        return sealer(configuredKey, "");
    }

    private Sealer sealer(String configuredKey, String previousKeys) {
        return new Sealer(new MasterKey(configuredKey, dir.resolve("master.key"), previousKeys));
    }

    private static String key(int seed) {
        byte[] k = new byte[32];
        k[0] = (byte) seed;
        return Base64.getEncoder().encodeToString(k);
    }

    @Test
    void aSealedValueOpensForItsOwnerOnlyAndHidesTheCard() {
        Sealer sealer = sealer(KEY);
        byte[] request = "{\"number\":\"4242424242424242\"}".getBytes(StandardCharsets.UTF_8);

        String sealed = sealer.seal(request, "ch_1");

        assertThat(sealed).doesNotContain("4242");
        assertThat(new String(Base64.getDecoder().decode(sealed), StandardCharsets.ISO_8859_1)).doesNotContain("4242");
        assertThat(sealer.open(sealed, "ch_1")).isEqualTo(request);
        assertThatThrownBy(() -> sealer.open(sealed, "ch_2")).isInstanceOf(Sealer.SealedValueException.class);
        assertThat(sealer.seal(request, "ch_1")).as("a fresh IV every time").isNotEqualTo(sealed);
    }

    @Test
    void anAlteredValueOrAnotherKeyIsRefused() {
        String sealed = sealer(KEY).seal("secret".getBytes(StandardCharsets.UTF_8), "ch_1");
        byte[] bytes = Base64.getDecoder().decode(sealed);
        bytes[bytes.length - 1] ^= 1;

        assertThatThrownBy(() -> sealer(KEY).open(Base64.getEncoder().encodeToString(bytes), "ch_1"))
                .isInstanceOf(Sealer.SealedValueException.class);
        byte[] other = new byte[32];
        other[0] = 1;
        assertThatThrownBy(() -> sealer(Base64.getEncoder().encodeToString(other)).open(sealed, "ch_1"))
                .isInstanceOf(Sealer.SealedValueException.class);
    }

    @Test
    void withoutAConfiguredKeyOneIsGeneratedOnceAndKeptOwnerOnly() throws Exception {
        String sealed = sealer("").seal("kept".getBytes(StandardCharsets.UTF_8), "ch_1");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("master.key")))).isEqualTo("rw-------");
        assertThat(sealer("").open(sealed, "ch_1")).as("a restarted service opens what it sealed before")
                .isEqualTo("kept".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> sealer("dG9vIHNob3J0")).hasMessageContaining("32 bytes");
    }

    @Test
    void afterARotationOldValuesStillOpenAndResealingMovesThemToTheNewKey() {
        Sealer before = sealer(key(1));
        String old = before.seal("sk_live_merchant".getBytes(StandardCharsets.UTF_8), "provider-account:m:paystack");
        assertThat(before.isCurrent(old)).isTrue();

        Sealer rotated = sealer(key(2), key(1));
        assertThat(rotated.isCurrent(old)).as("sealed under the previous key").isFalse();
        assertThat(rotated.open(old, "provider-account:m:paystack")).isEqualTo("sk_live_merchant".getBytes(StandardCharsets.UTF_8));
        String resealed = rotated.seal(rotated.open(old, "provider-account:m:paystack"), "provider-account:m:paystack");
        assertThat(rotated.isCurrent(resealed)).isTrue();

        Sealer oldKeyDropped = sealer(key(2));
        assertThat(oldKeyDropped.open(resealed, "provider-account:m:paystack")).isEqualTo("sk_live_merchant".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> oldKeyDropped.open(old, "provider-account:m:paystack"))
                .isInstanceOf(Sealer.SealedValueException.class).hasMessageContaining("previous-master-keys");
    }
}
