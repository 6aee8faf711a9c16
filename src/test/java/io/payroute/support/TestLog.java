package io.payroute.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The log file of the service under test (application-test.yaml: logging.file.name), one per test JVM: the default
 * run on H2 and the PostgreSQL run each get their own, started empty, so SecretScanApiTest reads exactly this
 * run's log output.
 */
public final class TestLog {

    /** The system property application-test.yaml takes the file name from. */
    static final String PROPERTY = "payroute.test.log-file";
    private static Path file;

    private TestLog() {
    }

    /** Names the file and empties it; once per JVM, before the first application context starts logging. */
    static synchronized void startFresh() {
        if (file != null) {
            return;
        }
        file = Path.of("target", "test-logs", (TestDatabase.usePostgres() ? "postgres" : "h2") + ".log");
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.setProperty(PROPERTY, file.toString());
    }
}
