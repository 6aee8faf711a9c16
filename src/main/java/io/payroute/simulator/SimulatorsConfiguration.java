package io.payroute.simulator;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Starts the provider simulators in the application context when {@code payroute.simulators.enabled=true}. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "payroute.simulators.enabled", havingValue = "true")
@EnableConfigurationProperties(SimulatorProperties.class)
public class SimulatorsConfiguration {

    @Bean(destroyMethod = "close")
    public Simulators simulators(SimulatorProperties properties) {
        return Simulators.start(properties.toSettings());
    }
}
