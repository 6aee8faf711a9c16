package io.payroute.simulator;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class SimulatorsConfigurationTest extends SimulatorTestSupport {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SimulatorsConfiguration.class));

    @Test
    void disabledByDefault() {
        runner.run(ctx -> assertThat(ctx).doesNotHaveBean(Simulators.class));
        runner.withPropertyValues("payroute.simulators.enabled=false")
                .run(ctx -> assertThat(ctx).doesNotHaveBean(Simulators.class));
    }

    @Test
    void enabledBindsPropertiesKeepingPerProviderDefaults() {
        runner.withPropertyValues("payroute.simulators.enabled=true", "payroute.simulators.control-port=0",
                        "payroute.simulators.seed=5",
                        "payroute.simulators.providers.paystack.port=0",
                        "payroute.simulators.providers.flutterwave.port=0",
                        "payroute.simulators.providers.stripe.port=0",
                        "payroute.simulators.providers.stripe.latency-ms=5",
                        "payroute.simulators.providers.stripe.decline-rate=0.25")
                .run(ctx -> {
                    Simulators sims = ctx.getBean(Simulators.class);
                    SimulatorProperties props = ctx.getBean(SimulatorProperties.class);
                    assertThat(props.getProviders().getStripe().getSecretKey()).isEqualTo(STRIPE_KEY);
                    assertThat(props.getProviders().getPaystack().getSecretKey()).isEqualTo(PAYSTACK_KEY);
                    assertThat(props.getProviders().getFlutterwave().getSecretKey()).isEqualTo(FLUTTERWAVE_KEY);
                    assertThat(sims.behaviour("stripe")).isEqualTo(new Behaviour(5, 0, 0.25, 0, 30_000));
                    assertThat(get(sims.baseUrl("stripe"), "/v1/payment_intents/pi_x", STRIPE_KEY).status()).isEqualTo(404);
                    assertThat(control(sims, "GET", "/sim", null).status()).isEqualTo(200);
                });
    }

    @Test
    void defaultPropertiesMatchTheDocumentedPorts() {
        SimulatorSettings s = new SimulatorProperties().toSettings();
        assertThat(s.host()).isEqualTo("127.0.0.1");
        assertThat(s.controlPort()).isEqualTo(18080);
        assertThat(s.provider("paystack").port()).isEqualTo(18081);
        assertThat(s.provider("flutterwave").port()).isEqualTo(18082);
        assertThat(s.provider("stripe").port()).isEqualTo(18083);
        assertThat(s.provider("stripe").timeoutDelayMs()).isEqualTo(30_000);
    }

    @Test
    void standaloneMainStartsOnlyTheSimulators() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        try (ConfigurableApplicationContext ctx = SimulatorsMain.start(closed,
                "--payroute.simulators.enabled=false", // forced back on by SimulatorsMain
                "--payroute.simulators.control-port=0",
                "--payroute.simulators.providers.paystack.port=0",
                "--payroute.simulators.providers.flutterwave.port=0",
                "--payroute.simulators.providers.stripe.port=0",
                "--spring.main.banner-mode=off")) {
            Simulators sims = ctx.getBean(Simulators.class);
            assertThat(control(sims, "GET", "/sim", null).json().get("providers")).hasSize(3);
            // no auto-configuration: no database, no Camel, no web server
            assertThat(ctx.getBeanNamesForType(javax.sql.DataSource.class)).isEmpty();
            assertThat(ctx.getBeanDefinitionNames()).noneMatch(n -> n.toLowerCase().contains("camel"));
        }
        assertThat(closed.await(5, TimeUnit.SECONDS)).isTrue();
    }
}
