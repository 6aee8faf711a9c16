package io.payroute.async;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.payroute.support.ApiTestSupport;
import io.payroute.support.BrokerClients;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The queue contract as a producer outside the JVM meets it: the real {@code artemis producer} of the Apache
 * Artemis distribution (system property payroute.artemis.home, unpacked by the build) sends charge requests over
 * CORE and AMQP. One idempotency key is one charge however often it is published, each message without a key is
 * its own request, and the broker turns away internal addresses and bad logins before anything reaches PayRoute.
 */
class ArtemisCliApiTest extends ApiTestSupport {

    private static final String CORE = "tcp://" + BrokerClients.ACCEPTOR;
    private static final String REQUESTS = "queue://" + BrokerClients.REQUESTS;
    private static final Map<String, String> PAYSTACK_OK = Map.of("paystack", "AUTH_success");

    @Autowired
    private EmbeddedActiveMQ broker;

    @Test
    void fiveCopiesWithOneIdempotencyKeyOverCoreMakeOneCharge() throws Exception {
        String reference = "cli-" + UUID.randomUUID();
        String key = "[{\"type\":\"string\",\"key\":\"idempotencyKey\",\"value\":\"cli-key-" + UUID.randomUUID() + "\"}]";
        long added = intake().getMessagesAdded();

        Cli run = cli("producer", "--url", CORE, "--user", "producer", "--password", "producer-test", "--destination", REQUESTS,
                "--message", body(reference), "--message-count", "5", "--properties", key);

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("Produced: 5 messages");
        awaitSucceeded(reference, 1);
        awaitIntakeDrained(added + 5);
        List<String> ids = chargesWith(reference);
        assertThat(ids).as("all five copies consumed, one charge").hasSize(1);
        assertThat(ledgerEntriesFor(ids.get(0))).hasSize(1);
    }

    @Test
    void eachMessageWithoutAKeyOverAmqpIsItsOwnCharge() throws Exception {
        String reference = "cli-" + UUID.randomUUID();
        long added = intake().getMessagesAdded();

        Cli run = cli("producer", "--protocol", "amqp", "--url", "amqp://" + BrokerClients.ACCEPTOR, "--user", "producer",
                "--password", "producer-test", "--destination", REQUESTS, "--message", body(reference), "--message-count", "3");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("Produced: 3 messages");
        awaitSucceeded(reference, 3);
        awaitIntakeDrained(added + 3);
        List<String> ids = chargesWith(reference);
        assertThat(ids).hasSize(3);
        assertThat(ids).allSatisfy(id -> assertThat(ledgerEntriesFor(id)).as("ledger of " + id).hasSize(1));
    }

    @Test
    void theBrokerRefusesInternalAddressesAndWrongPasswordsBeforeAnythingIsCharged() throws Exception {
        String reference = "cli-" + UUID.randomUUID();

        Cli internal = cli("producer", "--url", CORE, "--user", "producer", "--password", "producer-test",
                "--destination", "queue://payroute.charges.work", "--message", body(reference), "--message-count", "1");
        Cli wrongPassword = cli("producer", "--url", CORE, "--user", "producer", "--password", "wrong",
                "--destination", REQUESTS, "--message", body(reference), "--message-count", "1");

        assertThat(internal.stdout()).doesNotContain("Produced:");
        assertThat(internal.stderr()).contains("does not have permission='SEND'");
        assertThat(wrongPassword.exitCode()).isEqualTo(1);
        assertThat(wrongPassword.stdout()).doesNotContain("Produced:");
        assertThat(wrongPassword.stderr()).contains("AMQ229031");
        Thread.sleep(500);
        assertThat(chargesWith(reference)).isEmpty();
    }

    private record Cli(int exitCode, String stdout, String stderr) {
    }

    /** Runs {@code bin/artemis} of the distribution with {@code --silent} (it would prompt otherwise). */
    private static Cli cli(String command, String... args) throws Exception {
        String home = System.getProperty("payroute.artemis.home");
        assertThat(home != null && Files.isExecutable(Path.of(home, "bin", "artemis")))
                .as("system property payroute.artemis.home (set by the pom) must name an unpacked Artemis distribution, was " + home)
                .isTrue();
        List<String> line = new ArrayList<>(List.of(Path.of(home, "bin", "artemis").toString(), command, "--silent"));
        line.addAll(List.of(args));
        File out = File.createTempFile("artemis-cli", ".out");
        File err = File.createTempFile("artemis-cli", ".err");
        ProcessBuilder pb = new ProcessBuilder(line).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out).redirectError(err);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("ARTEMIS_HOME");
        pb.environment().remove("ARTEMIS_INSTANCE");
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("artemis " + command + " did not end in 60 s: " + line);
        }
        try {
            return new Cli(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
                    Files.readString(err.toPath(), StandardCharsets.UTF_8));
        } finally {
            out.delete();
            err.delete();
        }
    }

    private static String body(String reference) {
        return chargeBody(4_200, "NGN", PAYSTACK_OK).replaceFirst("\"order-\\d+\"", "\"" + reference + "\"");
    }

    private List<String> chargesWith(String reference) {
        return jdbc.queryForList("SELECT id FROM charges WHERE reference = ? ORDER BY id", String.class, reference);
    }

    /** Waits until at least {@code count} charges carry the reference and all have succeeded. */
    private void awaitSucceeded(String reference, int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        List<String> statuses = List.of();
        while (System.currentTimeMillis() < deadline) {
            statuses = jdbc.queryForList("SELECT status FROM charges WHERE reference = ?", String.class, reference);
            if (statuses.size() >= count && statuses.stream().allMatch("succeeded"::equals)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("expected " + count + " succeeded charges with reference " + reference + ", found " + statuses);
    }

    /** Waits until the requests queue has taken {@code added} messages in all and holds none (delivering or scheduled). */
    private void awaitIntakeDrained(long added) throws InterruptedException {
        Queue queue = intake();
        long deadline = System.currentTimeMillis() + 30_000;
        while (queue.getMessagesAdded() < added || queue.getMessageCount() > 0) {
            assertThat(System.currentTimeMillis()).as("requests queue drained").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private Queue intake() {
        return broker.getActiveMQServer().locateQueue(SimpleString.of(BrokerClients.REQUESTS));
    }
}
