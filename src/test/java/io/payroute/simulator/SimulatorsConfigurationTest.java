package io.payroute.simulator;

import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.ServletWebServerFactoryAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.boot.web.servlet.context.ServletWebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import java.net.URI;

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
    void webhookAndAutoSettleProperties() {
        runner.withPropertyValues("payroute.simulators.enabled=true", "payroute.simulators.control-port=0",
                        "payroute.simulators.providers.paystack.port=0",
                        "payroute.simulators.providers.flutterwave.port=0",
                        "payroute.simulators.providers.stripe.port=0",
                        "payroute.simulators.providers.stripe.webhook-url=http://127.0.0.1:9/hooks/stripe",
                        "payroute.simulators.providers.stripe.webhook-send=all",
                        "payroute.simulators.providers.stripe.webhook-secret=whsec_configured",
                        "payroute.simulators.providers.stripe.pending-settle-ms=1500",
                        "payroute.simulators.providers.flutterwave.webhook-hash=my-hash")
                .run(ctx -> {
                    Simulators sims = ctx.getBean(Simulators.class);
                    assertThat(sims.webhooks("stripe"))
                            .isEqualTo(new WebhookSettings(URI.create("http://127.0.0.1:9/hooks/stripe"), WebhookSend.ALL));
                    assertThat(sims.behaviour("stripe").pendingSettleMs()).isEqualTo(1500);
                    assertThat(sims.webhooks("paystack")).isEqualTo(WebhookSettings.defaults()); // no web server: no URL
                    SimulatorSettings s = ctx.getBean(SimulatorProperties.class).toSettings();
                    assertThat(s.provider("stripe").effectiveWebhookSecret()).isEqualTo("whsec_configured");
                    assertThat(s.provider("flutterwave").effectiveWebhookSecret()).isEqualTo("my-hash");
                });
        runner.withPropertyValues("payroute.simulators.enabled=true",
                        "payroute.simulators.providers.stripe.webhook-url=/relative")
                .run(ctx -> assertThat(ctx).hasFailed());
    }

    @Test
    void defaultWebhookSecretsFollowEachProvidersScheme() {
        SimulatorSettings s = new SimulatorProperties().toSettings();
        // Paystack signs with the API secret key; the others have a secret of their own
        assertThat(s.provider("paystack").effectiveWebhookSecret()).isEqualTo(PAYSTACK_KEY);
        assertThat(s.provider("paystack").withSecretKey("sk_test_other").effectiveWebhookSecret()).isEqualTo("sk_test_other");
        assertThat(s.provider("flutterwave").effectiveWebhookSecret()).isEqualTo("payroute-sim-flw-hash");
        assertThat(s.provider("stripe").effectiveWebhookSecret()).isEqualTo("whsec_payroute_sim_stripe");
        assertThat(s.provider("stripe").webhooks()).isEqualTo(WebhookSettings.defaults());
        assertThat(s.provider("stripe").pendingSettleMs()).isZero();
    }

    @Configuration(proxyBeanMethods = false)
    @Import(SimulatorsConfiguration.class)
    @ImportAutoConfiguration(ServletWebServerFactoryAutoConfiguration.class)
    static class WebApp {
    }

    @Test
    void webhooksGoToTheServiceOnceItsWebServerIsUp() {
        try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(WebApp.class)
                .web(WebApplicationType.SERVLET)
                .run("--server.port=0", "--server.address=127.0.0.1", "--spring.main.banner-mode=off",
                        "--payroute.simulators.enabled=true", "--payroute.simulators.control-port=0",
                        "--payroute.simulators.providers.paystack.port=0",
                        "--payroute.simulators.providers.flutterwave.port=0",
                        "--payroute.simulators.providers.stripe.port=0",
                        "--payroute.simulators.providers.stripe.webhook-url=http://127.0.0.1:9/elsewhere")) {
            Simulators sims = ctx.getBean(Simulators.class);
            int port = ((ServletWebServerApplicationContext) ctx).getWebServer().getPort();
            assertThat(sims.webhooks("paystack").url()).isEqualTo(URI.create("http://127.0.0.1:" + port + "/v1/webhooks/paystack"));
            assertThat(sims.webhooks("flutterwave").url()).isEqualTo(URI.create("http://127.0.0.1:" + port + "/v1/webhooks/flutterwave"));
            assertThat(sims.webhooks("stripe").url()).isEqualTo(URI.create("http://127.0.0.1:9/elsewhere")); // configured wins
            // the service's endpoint is now the configured one: reset keeps it
            sims.setWebhookUrl("paystack", null);
            sims.reset(Behaviour.defaults());
            assertThat(sims.webhooks("paystack").url()).isEqualTo(URI.create("http://127.0.0.1:" + port + "/v1/webhooks/paystack"));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theManagementServerIsNotTheWebhookEndpoint() {
        runner.withPropertyValues("payroute.simulators.enabled=true", "payroute.simulators.control-port=0",
                        "payroute.simulators.providers.paystack.port=0",
                        "payroute.simulators.providers.flutterwave.port=0",
                        "payroute.simulators.providers.stripe.port=0", "server.address=0.0.0.0")
                .run(ctx -> {
                    Simulators sims = ctx.getBean(Simulators.class);
                    ApplicationListener<WebServerInitializedEvent> listener =
                            ctx.getBean("simulatorWebhooksToService", ApplicationListener.class);
                    ServletWebServerApplicationContext management = new ServletWebServerApplicationContext();
                    management.setServerNamespace("management");
                    listener.onApplicationEvent(new ServletWebServerInitializedEvent(server(9001), management));
                    assertThat(sims.webhooks("paystack").url()).isNull();

                    listener.onApplicationEvent(new ServletWebServerInitializedEvent(server(9000), new ServletWebServerApplicationContext()));
                    assertThat(sims.webhooks("paystack").url()).isEqualTo(URI.create("http://127.0.0.1:9000/v1/webhooks/paystack"));
                });
    }

    private static WebServer server(int port) {
        return new WebServer() {
            @Override
            public void start() {
            }

            @Override
            public void stop() {
            }

            @Override
            public int getPort() {
                return port;
            }
        };
    }

    @Test
    void serviceHostFromServerAddress() {
        assertThat(SimulatorsConfiguration.serviceHost(null)).isEqualTo("127.0.0.1");
        assertThat(SimulatorsConfiguration.serviceHost("0.0.0.0")).isEqualTo("127.0.0.1");
        assertThat(SimulatorsConfiguration.serviceHost("::")).isEqualTo("127.0.0.1");
        assertThat(SimulatorsConfiguration.serviceHost("127.0.0.2")).isEqualTo("127.0.0.2");
        assertThat(SimulatorsConfiguration.serviceHost("::1")).isEqualTo("[::1]");
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
                "--payroute.simulators.providers.stripe.webhook-url=http://127.0.0.1:9/v1/webhooks/stripe",
                "--spring.main.banner-mode=off")) {
            Simulators sims = ctx.getBean(Simulators.class);
            assertThat(sims.webhooks("stripe").url()).isEqualTo(URI.create("http://127.0.0.1:9/v1/webhooks/stripe"));
            assertThat(sims.webhooks("paystack").url()).isNull(); // no web server here: nothing to default to
            assertThat(control(sims, "GET", "/sim", null).json().get("providers")).hasSize(3);
            // no auto-configuration: no database, no Camel, no web server
            assertThat(ctx.getBeanNamesForType(javax.sql.DataSource.class)).isEmpty();
            assertThat(ctx.getBeanDefinitionNames()).noneMatch(n -> n.toLowerCase().contains("camel"));
        }
        assertThat(closed.await(5, TimeUnit.SECONDS)).isTrue();
    }
}
