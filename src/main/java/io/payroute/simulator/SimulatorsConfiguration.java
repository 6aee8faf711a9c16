package io.payroute.simulator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Starts the provider simulators in the application context when {@code payroute.simulators.enabled=true}, and
 * once the service's web server is up points every provider without a configured webhook-url at the service's
 * own {@code /v1/webhooks/{provider}}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "payroute.simulators.enabled", havingValue = "true")
@EnableConfigurationProperties(SimulatorProperties.class)
public class SimulatorsConfiguration {
    private static final Logger log = LoggerFactory.getLogger(SimulatorsConfiguration.class);
    static final String MANAGEMENT_NAMESPACE = "management";

    @Bean(destroyMethod = "close")
    public Simulators simulators(SimulatorProperties properties) {
        return Simulators.start(properties.toSettings());
    }

    @Bean
    public ApplicationListener<WebServerInitializedEvent> simulatorWebhooksToService(Simulators simulators, Environment env) {
        return event -> {
            // a separate management port serves actuator only, never the webhook endpoint
            if (MANAGEMENT_NAMESPACE.equals(event.getApplicationContext().getServerNamespace())) {
                return;
            }
            int port = event.getWebServer().getPort();
            if (port <= 0) {
                return;
            }
            String host = serviceHost(env.getProperty("server.address"));
            for (String provider : simulators.providers()) {
                URI url = URI.create("http://" + host + ":" + port + "/v1/webhooks/" + provider);
                if (simulators.setDefaultWebhookUrl(provider, url)) {
                    log.info("{} simulator sends its webhooks to {}", provider, url);
                }
            }
        };
    }

    /** The address the service listens on as a URL host: server.address if concrete, else loopback. */
    static String serviceHost(String serverAddress) {
        if (serverAddress == null || serverAddress.isBlank()) {
            return "127.0.0.1";
        }
        String address = serverAddress.trim();
        try {
            if (InetAddress.getByName(address).isAnyLocalAddress()) {
                return "127.0.0.1"; // 0.0.0.0 / :: listen everywhere, loopback included
            }
        } catch (UnknownHostException e) {
            return "127.0.0.1"; // the server could not have bound to it either
        }
        return address.contains(":") && !address.startsWith("[") ? "[" + address + "]" : address;
    }
}
