package io.payroute.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Chooses the database of the end-to-end tests. By default H2 (application-test.yaml). With
 * {@code -Dpayroute.test.database=postgres} the same tests run against PostgreSQL at
 * {@code payroute.test.postgres-url} (default 127.0.0.1:5432/test, schema payroute_test, recreated once per
 * run); when that server is not reachable they are skipped with a message saying so.
 */
public class TestDatabase implements ExecutionCondition {

    private static final String DATABASE = System.getProperty("payroute.test.database", "h2");
    private static final String POSTGRES_URL = System.getProperty("payroute.test.postgres-url",
            "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String POSTGRES_USER = System.getProperty("payroute.test.postgres-user", "postgres");
    private static final String SCHEMA = "payroute_test";
    private static Boolean postgresReady;

    static boolean usePostgres() {
        return DATABASE.equals("postgres");
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (!usePostgres()) {
            return ConditionEvaluationResult.enabled("running on H2");
        }
        String problem = preparePostgres();
        return problem == null ? ConditionEvaluationResult.enabled("running on PostgreSQL " + POSTGRES_URL)
                : ConditionEvaluationResult.disabled("SKIPPED: PostgreSQL not reachable at " + POSTGRES_URL + " (" + problem
                + "); start it or run without -Dpayroute.test.database=postgres");
    }

    /** Drops and recreates the test schema once per JVM; returns why PostgreSQL cannot be used, or null. */
    private static synchronized String preparePostgres() {
        if (postgresReady == null) {
            try (Connection c = DriverManager.getConnection(POSTGRES_URL, POSTGRES_USER, "");
                 Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
                s.execute("CREATE SCHEMA " + SCHEMA);
                postgresReady = true;
            } catch (SQLException e) {
                postgresReady = false;
                System.err.println("[payroute] PostgreSQL tests skipped: " + e.getMessage());
                return e.getMessage();
            }
        }
        return postgresReady ? null : "connection failed";
    }

    static void configure(DynamicPropertyRegistry registry) {
        if (usePostgres()) {
            registry.add("spring.datasource.url", () -> POSTGRES_URL + "?currentSchema=" + SCHEMA);
            registry.add("spring.datasource.username", () -> POSTGRES_USER);
            registry.add("spring.datasource.password", () -> "");
            registry.add("spring.flyway.schemas", () -> SCHEMA);
        }
    }
}
