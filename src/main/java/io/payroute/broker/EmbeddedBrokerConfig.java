package io.payroute.broker;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The embedded Artemis broker of the all-in-one run. Spring Boot gives it only an in-VM acceptor; producers
 * outside the JVM need TCP, so a CORE + AMQP 1.0 acceptor is added (127.0.0.1:61616 by default, off 5672).
 * With spring.artemis.broker-url set, the service uses that external broker and this is not applied.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "spring.artemis.mode", havingValue = "embedded", matchIfMissing = true)
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
