package io.payroute.secrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A secret the all-in-one run generates for itself when none is configured: created once, readable by the
 * owner only, shared by the instances that share the directory. Its value is never logged, only where it is.
 */
public final class SecretFile {

    private static final Logger log = LoggerFactory.getLogger(SecretFile.class);

    private SecretFile() {
    }

    /** @param setting the setting that replaces the file in production, for the warning */
    public static String readOrCreate(Path file, Supplier<String> generate, String setting) {
        try {
            if (!Files.exists(file)) {
                create(file, generate.get(), setting);
            }
            // a file a racing instance created may still be empty for a moment
            for (int i = 0; i < 50 && Files.size(file) == 0; i++) {
                Thread.sleep(20);
            }
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + file, e);
        }
    }

    private static void create(Path file, String value, String setting) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try {
            Path created = Files.createFile(file);
            if (created.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(created, PosixFilePermissions.fromString("rw-------"));
            }
            Files.writeString(created, value);
            log.warn("generated a secret in {}: set {} (the same on every instance) in production", file, setting);
        } catch (FileAlreadyExistsException raced) {
            // another instance created it first: theirs is used
        }
    }
}
