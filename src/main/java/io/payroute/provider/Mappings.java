package io.payroute.provider;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.payroute.routing.ProviderRouter;
import org.apache.camel.Exchange;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Runs a provider's JSONata mappings ({@code mappings/<provider>/<name>.jsonata}) on the exchange body (bean
 * {@code mappings} in routes/providers.yaml), with the engine camel-jsonata uses. Each file is compiled once per
 * version: camel-jsonata 4.17 compiles the text again on every call, which cost a fifth of a charge's CPU
 * (bench/README.md). With {@code payroute.mappings.cache=false} (development) the file's modification time is
 * checked on every call and an edited mapping is used at once; with {@code true} it is read once.
 */
@Component("mappings")
public class Mappings {

    private record Compiled(FileTime modified, Jsonata expression) {
    }

    private final Path root;
    private final boolean cache;
    private final ObjectMapper json;
    private final ConcurrentMap<Path, Compiled> compiled = new ConcurrentHashMap<>();

    public Mappings(@Value("${payroute.mappings.directory:mappings}") Path root,
                    @Value("${payroute.mappings.cache}") boolean cache, ObjectMapper json) {
        this.root = root;
        this.cache = cache;
        this.json = json;
    }

    /** The canonical attempt → the provider's request ({method, path, query?, headers?, body}). */
    public void chargeRequest(Exchange exchange) {
        apply(exchange, "charge-request");
    }

    /** The provider's answer to a charge or a status query → the canonical outcome. */
    public void chargeResponse(Exchange exchange) {
        apply(exchange, "charge-response");
    }

    /** The attempt to ask about → the provider's status query. */
    public void statusRequest(Exchange exchange) {
        apply(exchange, "status-request");
    }

    /** The refund to make → the provider's refund request. */
    public void refundRequest(Exchange exchange) {
        apply(exchange, "refund-request");
    }

    /** The provider's answer to a refund or a refund status query → the canonical outcome. */
    public void refundResponse(Exchange exchange) {
        apply(exchange, "refund-response");
    }

    /** The refund to ask about → the provider's refund status query. */
    public void refundStatusRequest(Exchange exchange) {
        apply(exchange, "refund-status-request");
    }

    private void apply(Exchange exchange, String mapping) {
        String provider = exchange.getProperty(ProviderRouter.PROVIDER, String.class);
        exchange.getMessage().setBody(map(provider, mapping, exchange.getMessage().getBody()));
    }

    /** The result of {@code mappings/<provider>/<mapping>.jsonata} on {@code input} (any Jackson-convertible value). */
    public JsonNode map(String provider, String mapping, Object input) {
        // a frame of its own per call: without one the engine binds the input as "$" in the compiled expression's
        // shared environment, where concurrent calls would read each other's input
        Object result = expression(root.resolve(provider).resolve(mapping + ".jsonata"))
                .evaluate(json.convertValue(input, Object.class), new Jsonata.Frame(null));
        return json.valueToTree(result);
    }

    private Jsonata expression(Path file) {
        Compiled known = compiled.get(file);
        if (known != null && cache) {
            return known.expression();
        }
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            if (known != null && known.modified().equals(modified)) {
                return known.expression();
            }
            Compiled fresh = new Compiled(modified, Jsonata.jsonata(Files.readString(file, StandardCharsets.UTF_8)));
            compiled.put(file, fresh);
            return fresh.expression();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the mapping " + file, e);
        }
    }
}
