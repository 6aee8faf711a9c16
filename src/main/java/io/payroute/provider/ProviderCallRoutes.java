package io.payroute.provider;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.apache.camel.spi.RouteTemplateParameterSource;
import org.springframework.stereotype.Component;

/**
 * Instantiates the {@code provider-call} route template (routes/providers.yaml) once per configured provider,
 * straight from {@code payroute.providers.*}: a new provider needs configuration and mappings, not a route.
 */
@Component
public class ProviderCallRoutes implements RouteTemplateParameterSource {

    private final ProviderProperties properties;

    public ProviderCallRoutes(ProviderProperties properties) {
        this.properties = properties;
    }

    @Override
    public Set<String> routeIds() {
        Set<String> ids = new LinkedHashSet<>();
        properties.enabledNames().forEach(name -> ids.add("provider-call-" + name));
        return ids;
    }

    @Override
    public Map<String, Object> parameters(String routeId) {
        String name = routeId.substring("provider-call-".length());
        ProviderProperties.Provider p = properties.getProviders().get(name);
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put(TEMPLATE_ID, "provider-call");
        parameters.put("provider", name);
        parameters.put("baseUrl", p.getBaseUrl());
        parameters.put("connectTimeout", p.getConnectTimeout().toMillis());
        parameters.put("responseTimeout", p.getResponseTimeout().toMillis());
        return parameters;
    }
}
