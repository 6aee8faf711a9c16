package io.payroute.simulator;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes Stripe-style {@code application/x-www-form-urlencoded} bodies with bracketed nested keys
 * ({@code metadata[k]=v}, {@code payment_method_data[card][number]=...}, {@code expand[]=x}) into nested maps.
 */
final class FormCodec {
    private FormCodec() {
    }

    static Map<String, Object> decode(String body) {
        Map<String, Object> root = new LinkedHashMap<>();
        if (body == null || body.isEmpty()) {
            return root;
        }
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            put(root, path(key), value);
        }
        return root;
    }

    /** "a[b][c]" → [a, b, c]; "a[]" → [a, ""]. */
    private static List<String> path(String key) {
        List<String> parts = new ArrayList<>();
        int open = key.indexOf('[');
        if (open < 0) {
            parts.add(key);
            return parts;
        }
        parts.add(key.substring(0, open));
        while (open >= 0) {
            int close = key.indexOf(']', open);
            if (close < 0) {
                throw SimException.badRequest("Malformed parameter name: " + key, key);
            }
            parts.add(key.substring(open + 1, close));
            open = key.indexOf('[', close);
        }
        return parts;
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> root, List<String> path, String value) {
        Map<String, Object> node = root;
        for (int i = 0; i < path.size() - 1; i++) {
            String part = path.get(i);
            if (path.get(i + 1).isEmpty() && i + 1 == path.size() - 1) { // a[] = list append
                Object existing = node.computeIfAbsent(part, k -> new ArrayList<>());
                if (!(existing instanceof List)) {
                    throw SimException.badRequest("Conflicting values for " + part, part);
                }
                ((List<Object>) existing).add(value);
                return;
            }
            Object child = node.computeIfAbsent(part, k -> new LinkedHashMap<String, Object>());
            if (!(child instanceof Map)) {
                throw SimException.badRequest("Conflicting values for " + part, part);
            }
            node = (Map<String, Object>) child;
        }
        String leaf = path.get(path.size() - 1);
        if (node.get(leaf) instanceof Map) {
            throw SimException.badRequest("Conflicting values for " + leaf, leaf);
        }
        node.put(leaf, value);
    }
}
