package io.payroute.broker;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The embedded Artemis broker of the all-in-one run. Spring Boot gives it only an in-VM acceptor; producers
 * outside the JVM need TCP, so a CORE + AMQP 1.0 acceptor is added (127.0.0.1:61616 by default, off 5672).
 * With spring.artemis.embedded.enabled=false (and spring.artemis.broker-url) the service uses an external broker.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "spring.artemis.embedded.enabled", havingValue = "true", matchIfMissing = true)
public class EmbeddedBrokerConfig {

    @Bean
    public ArtemisConfigurationCustomizer tcpAcceptor(@Value("${payroute.artemis.acceptor-url}") String acceptorUrl) {
        return configuration -> {
            try {
                configuration.addAcceptorConfiguration("payroute-tcp", acceptorUrl);
            } catch (Exception e) {
                throw new IllegalStateException("invalid payroute.artemis.acceptor-url " + acceptorUrl, e);
            }
        };
    }
}
