package io.payroute.routing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashSet;

import io.payroute.observability.ChargeMetrics;
import io.payroute.provider.ProviderCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The rules in force (bean {@code routingRules}): read from {@code payroute.routing.rules-file} at startup, where
 * a bad file stops the service with the line at fault, and again whenever the file changes
 * (routes/routing.yaml polls {@link #reloadIfChanged}), where a bad file is logged with the line at fault and
 * the previous rules stay in force. Without a file every merchant is routed smart.
 */
@Component("routingRules")
public class RoutingRules {

    private static final Logger log = LoggerFactory.getLogger(RoutingRules.class);

    private final Path file;
    private final RulesParser parser;
    private final ChargeMetrics metrics;
    private volatile RuleSet current;
    /** The file content last acted on (loaded or rejected), so each version is reported once. */
    private String lastSeen;

    public RoutingRules(RoutingProperties properties, ProviderCatalog catalog, ChargeMetrics metrics) {
        this.file = properties.getRulesFile();
        this.parser = new RulesParser(file.toString(), new LinkedHashSet<>(catalog.names()));
        this.metrics = metrics;
        String text = read();
        if (text == null) {
            log.info("no routing rules file at {}: every merchant is routed smart, without rules", file.toAbsolutePath());
            current = RuleSet.BUILT_IN;
        } else {
            try {
                current = parser.parse(text);
            } catch (RulesParser.RulesException e) {
                throw new IllegalStateException("invalid routing rules: " + e.getMessage(), e);
            }
            log.info("routing rules version {} loaded from {} ({} rules)", current.version(), file, current.rules().size());
        }
        lastSeen = text;
    }

    RuleSet current() {
        return current;
    }

    /** The version of the rules in force ({@code built-in} without a rules file). */
    public String version() {
        return current.version();
    }

    /** Loads the file again if its content changed; a version that does not parse leaves the rules in force. */
    public synchronized void reloadIfChanged() {
        String text = read();
        if (text == null ? lastSeen == null : text.equals(lastSeen)) {
            return;
        }
        lastSeen = text;
        if (text == null) {
            log.warn("routing rules file {} is gone: version {} stays in force", file, current.version());
            return;
        }
        try {
            RuleSet loaded = parser.parse(text);
            log.info("routing rules version {} loaded from {} ({} rules), replacing version {}", loaded.version(), file,
                    loaded.rules().size(), current.version());
            current = loaded;
            metrics.rulesReload("loaded");
        } catch (RulesParser.RulesException e) {
            log.error("routing rules rejected, version {} stays in force: {}", current.version(), e.getMessage());
            metrics.rulesReload("rejected");
        }
    }

    /** The file's content, or null when there is no file. */
    private String read() {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read routing rules " + file + ": " + e.getMessage(), e);
        }
    }
}
