package io.payroute.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.payroute.simulator.TestCards;
import io.payroute.support.ApiTestSupport;
import io.payroute.support.DatabaseTables;
import io.payroute.support.TestSecrets;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;

/**
 * After everything else has run (junit-platform.properties orders test classes by {@link Order}; this one is
 * last): no secret and no card number anywhere in the test database (every text column of every table, H2 or
 * PostgreSQL) or in the service's log output of the whole run (the log file application-test.yaml writes,
 * io.payroute.support.TestLog).
 * <p>
 * Looked for: every configured secret (every setting named like a secret, password, API key or master key: provider
 * secret keys and webhook secrets, the admin key, the bootstrap merchant key, the broker passwords; the master key
 * in base64, configured or from its key file); every secret a test of this run created or stored (API keys and
 * webhook signing secrets the API showed once, provider credentials: {@link TestSecrets}); and every card number
 * the tests use (the simulators' {@link TestCards} and each Luhn-valid 12-19 digit literal in the test sources that
 * starts as card networks' numbers do, 2 to 6),
 * as digits and in groups of four with spaces or dashes. A hit names the table and column or the log line, with
 * the secret itself replaced by what it is.
 */
@Order(Integer.MAX_VALUE)
class SecretScanApiTest extends ApiTestSupport {

    /** Names of settings that hold secrets (the last part of the name). */
    private static final Pattern SECRET_SETTING = Pattern.compile("(?i).*\\.(secret|secret-key|password|api-key|master-key|previous-master-keys)$");
    private static final Pattern CARD_LITERAL = Pattern.compile("\"([0-9][0-9 -]{10,21}[0-9])\"");

    @Autowired
    private ConfigurableEnvironment environment;

    @Test
    void noSecretOrCardNumberIsInAnyTableOfTheDatabase() {
        Map<String, String> needles = needles();
        List<String> hits = new ArrayList<>();
        int[] values = {0};
        DatabaseTables.of(jdbc).forEach((table, columns) -> {
            List<String> text = columns.stream().filter(DatabaseTables.Column::isText).map(DatabaseTables.Column::name).toList();
            if (text.isEmpty()) {
                return;
            }
            jdbc.query("SELECT " + String.join(", ", text) + " FROM " + table, rs -> {
                for (int i = 0; i < text.size(); i++) {
                    String value = rs.getString(i + 1);
                    if (value != null) {
                        values[0]++;
                        String where = table + "." + text.get(i);
                        find(value, needles).forEach(what -> hits.add(where + ": " + what + " in " + masked(value, needles)));
                    }
                }
            });
        });
        System.out.printf("[secret-scan] %d needles over %d text values of the database%n", needles.size(), values[0]);
        assertThat(hits).as(String.join("\n", hits)).isEmpty();
    }

    @Test
    void noSecretOrCardNumberIsInTheServiceLogOfTheRun() throws IOException {
        Path log = Path.of(environment.getRequiredProperty("logging.file.name"));
        assertThat(log).as("the test profile logs to a file").exists();
        Map<String, String> needles = needles();
        List<String> hits = new ArrayList<>();
        int[] lineNumber = {0};
        // decoded leniently: a line that is not valid UTF-8 is still scanned
        try (Stream<String> lines = new BufferedReader(new InputStreamReader(Files.newInputStream(log), StandardCharsets.UTF_8)).lines()) {
            lines.forEach(line -> {
                lineNumber[0]++;
                find(line, needles).forEach(what -> hits.add(log + ":" + lineNumber[0] + ": " + what + " in " + masked(line, needles)));
            });
        }
        System.out.printf("[secret-scan] %d needles over %d lines of %s%n", needles.size(), lineNumber[0], log);
        assertThat(lineNumber[0]).as("the run logged").isPositive();
        assertThat(hits).as(String.join("\n", hits)).isEmpty();
    }

    @Test
    void theScanFindsEachKindOfSecretItLooksFor() {
        Map<String, String> needles = needles();
        String line = "key=" + environment.getProperty("payroute.admin.api-key") + " card=" + grouped(TestCards.SUCCESS, " ")
                + " broker=" + environment.getProperty("spring.artemis.password");
        assertThat(find(line, needles)).contains("the setting payroute.admin.api-key", "card number ****4242 (grouped with spaces)",
                "the setting spring.artemis.password");
        assertThat(masked(line, needles)).doesNotContain(environment.getProperty("payroute.admin.api-key")).doesNotContain("4242 4242");
    }

    /** Every value looked for, with what it is (what a hit reports instead of the value). */
    private Map<String, String> needles() {
        Map<String, String> needles = new LinkedHashMap<>();
        configuredSecrets().forEach(needles::putIfAbsent);
        if (environment.getProperty("payroute.secrets.master-key", "").isBlank()) {
            needles.putIfAbsent(read(Path.of(environment.getRequiredProperty("payroute.secrets.key-file"))), "the master key (key file)");
        }
        for (String secret : TestSecrets.all()) {
            needles.putIfAbsent(secret, "a secret a test created (" + secret.substring(0, 4) + "...)");
        }
        for (String card : cardNumbers()) {
            String what = "card number ****" + card.substring(card.length() - 4);
            needles.putIfAbsent(card, what);
            needles.putIfAbsent(grouped(card, " "), what + " (grouped with spaces)");
            needles.putIfAbsent(grouped(card, "-"), what + " (grouped with dashes)");
        }
        needles.keySet().removeIf(n -> n.length() < TestSecrets.MIN_LENGTH);
        return needles;
    }

    /** The value of every setting named like a secret, from every property source of the running service. */
    private Map<String, String> configuredSecrets() {
        Map<String, String> out = new LinkedHashMap<>();
        environment.getPropertySources().stream()
                .filter(source -> source instanceof EnumerablePropertySource<?>)
                .flatMap(source -> Stream.of(((EnumerablePropertySource<?>) source).getPropertyNames()))
                .filter(name -> SECRET_SETTING.matcher(name).matches())
                .distinct()
                .forEach(name -> {
                    String value = environment.getProperty(name, "");
                    for (String secret : name.endsWith("previous-master-keys") ? value.split(",") : new String[] {value}) {
                        if (!secret.isBlank()) {
                            out.putIfAbsent(secret.trim(), "the setting " + name);
                        }
                    }
                });
        assertThat(out.values()).as("the scan knows the configured secrets")
                .anyMatch(s -> s.contains("providers.paystack.secret-key")).anyMatch(s -> s.contains("admin.api-key"))
                .anyMatch(s -> s.contains("spring.artemis.password")).anyMatch(s -> s.contains("broker.users"));
        return out;
    }

    /** The simulators' test cards and every card-like literal of the test sources (Luhn-valid, 12-19 digits, 2-6 first). */
    private static List<String> cardNumbers() {
        List<String> cards = new ArrayList<>();
        for (Field f : TestCards.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                try {
                    cards.add((String) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        try (Stream<Path> sources = Files.walk(Path.of("src", "test", "java"))) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = CARD_LITERAL.matcher(read(source));
                while (m.find()) {
                    String digits = m.group(1).replaceAll("[ -]", "");
                    // a card network's number starts with 2 to 6: all zeros (a genesis hash's start) passes Luhn too
                    if (digits.length() >= 12 && digits.length() <= 19 && digits.charAt(0) >= '2' && digits.charAt(0) <= '6'
                            && TestCards.luhnValid(digits)) {
                        cards.add(digits);
                    }
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertThat(cards).as("the scan knows the test cards").contains(TestCards.SUCCESS);
        return cards.stream().distinct().toList();
    }

    private static String grouped(String digits, String separator) {
        List<String> groups = new ArrayList<>();
        for (int i = 0; i < digits.length(); i += 4) {
            groups.add(digits.substring(i, Math.min(i + 4, digits.length())));
        }
        return String.join(separator, groups);
    }

    private static List<String> find(String text, Map<String, String> needles) {
        return needles.entrySet().stream().filter(n -> text.contains(n.getKey())).map(Map.Entry::getValue).toList();
    }

    /** {@code text} with every needle replaced by what it is, cut to the part around the first. */
    private static String masked(String text, Map<String, String> needles) {
        String out = text;
        int first = Integer.MAX_VALUE;
        for (Map.Entry<String, String> n : needles.entrySet()) {
            int at = out.indexOf(n.getKey());
            if (at >= 0) {
                first = Math.min(first, at);
                out = out.replace(n.getKey(), "<" + n.getValue() + ">");
            }
        }
        int from = Math.max(0, Math.min(first, out.length()) - 100);
        return out.substring(from, Math.min(out.length(), from + 300)).lines().collect(Collectors.joining(" "));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }
}
