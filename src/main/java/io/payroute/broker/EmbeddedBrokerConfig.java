package io.payroute.broker;

import java.util.EnumSet;
import java.util.Set;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.CoreAddressConfiguration;
import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.apache.activemq.artemis.spi.core.security.jaas.InVMLoginModule;
import jakarta.jms.ConnectionFactory;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisConfigurationCustomizer;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * The embedded Artemis broker of the all-in-one run, set up as docs/queues.md describes: a CORE + AMQP 1.0
 * acceptor for producers outside the JVM, authentication required, per-role permissions, the PayRoute addresses
 * with their dead-letter and redelivery settings, and the sender's login stamped on every message (SenderStampPlugin)
 * (so a producer can only send for its own merchant). With spring.artemis.embedded.enabled=false and
 * spring.artemis.broker-url the service uses an external broker configured the same way (docs/queues.md).
 */
@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "spring.artemis.embedded.enabled", havingValue = "true", matchIfMissing = true)
public class EmbeddedBrokerConfig {

    /** The service's own role (spring.artemis.user): everything. */
    static final String SERVICE_ROLE = "payroute";
    static final String PRODUCER_ROLE = "producer";
    static final String SUBSCRIBER_ROLE = "subscriber";

    @Bean
    public ArtemisConfigurationCustomizer payrouteBroker(BrokerProperties broker, Environment env) {
        warnIfDeliveriesTooFew(broker.getRedelivery().getMaxDeliveryAttempts(),
                env.getProperty("payroute.broker.intake-consumers", Integer.class, 0),
                env.getProperty("payroute.broker.work-consumers", Integer.class, 0));
        return configuration -> {
            addAcceptor(configuration, broker.getAcceptorUrl());
            configuration.setSecurityEnabled(true);
            configuration.registerBrokerPlugin(new SenderStampPlugin());
            secure(configuration, broker.getAddresses());
            addresses(configuration, broker);
        };
    }

    /**
     * Users and roles for the broker's login module, and the service's own login on the in-VM connection factory:
     * Spring Boot has a setting for neither in embedded mode.
     */
    @Bean
    public static BeanPostProcessor brokerSecurityManager(ObjectProvider<ArtemisProperties> artemisProperties,
                                                          ObjectProvider<BrokerProperties> brokerProperties) {
        // resolved lazily: a BeanPostProcessor is created before configuration properties are bound
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                if (bean instanceof EmbeddedActiveMQ embedded) {
                    ArtemisProperties artemis = artemisProperties.getObject();
                    BrokerProperties broker = brokerProperties.getObject();
                    SecurityConfiguration users = new SecurityConfiguration();
                    if (artemis.getUser() == null || artemis.getPassword() == null) {
                        throw new IllegalStateException("spring.artemis.user and spring.artemis.password must be set: the broker requires login");
                    }
                    users.addUser(artemis.getUser(), artemis.getPassword());
                    users.addRole(artemis.getUser(), SERVICE_ROLE);
                    for (BrokerProperties.User user : broker.getUsers()) {
                        if (user.getPassword() == null || user.getPassword().isBlank()) {
                            throw new IllegalStateException("payroute.broker.users: " + user.getName() + " has no password");
                        }
                        users.addUser(user.getName(), user.getPassword());
                        user.getRoles().forEach(role -> users.addRole(user.getName(), role));
                    }
                    embedded.setSecurityManager(new ActiveMQJAASSecurityManager(InVMLoginModule.class.getName(), users));
                }
                // Spring Boot's in-VM connection factory carries no credentials: the service logs in as spring.artemis.user
                ConnectionFactory target = bean instanceof CachingConnectionFactory caching ? caching.getTargetConnectionFactory()
                        : bean instanceof ConnectionFactory cf ? cf : null;
                if (target instanceof ActiveMQConnectionFactory inVm) {
                    inVm.setUser(artemisProperties.getObject().getUser());
                    inVm.setPassword(artemisProperties.getObject().getPassword());
                }
                return bean;
            }
        };
    }

    /**
     * When an instance dies, the broker closes its consumers one by one and hands each message a closing consumer
     * held to the instance's next consumer on that queue, counting a delivery at each hand-over: with no more
     * deliveries than consumers, a kill alone can dead-letter messages nobody tried (docs/queues.md).
     */
    private static void warnIfDeliveriesTooFew(int maxDeliveryAttempts, int intakeConsumers, int workConsumers) {
        int consumers = Math.max(intakeConsumers, workConsumers);
        if (maxDeliveryAttempts <= consumers) {
            LoggerFactory.getLogger(EmbeddedBrokerConfig.class).warn("payroute.broker.redelivery.max-delivery-attempts {}"
                    + " is not above the {} consumers an instance has on one queue: when an instance dies, the hand-overs"
                    + " of its messages between its closing consumers alone can dead-letter them; keep it well above"
                    + " (default 100, docs/queues.md)", maxDeliveryAttempts, consumers);
        }
    }

    private static void addAcceptor(Configuration configuration, String url) {
        try {
            configuration.addAcceptorConfiguration("payroute-tcp", url);
        } catch (Exception e) {
            throw new IllegalStateException("invalid payroute.broker.acceptor-url " + url, e);
        }
    }

    /**
     * The most specific match wins in Artemis, so PayRoute's own addresses ({@code payroute.#}) are the service's
     * alone except where a narrower match opens one: producers may only send requests, subscribers may only read
     * events. Anything else ({@code #}) is open to clients for their temporary reply queues.
     */
    private static void secure(Configuration configuration, BrokerProperties.Addresses a) {
        Role service = role(SERVICE_ROLE, EnumSet.allOf(CheckType.class));
        EnumSet<CheckType> temporaryQueues = EnumSet.of(CheckType.CREATE_ADDRESS, CheckType.CREATE_NON_DURABLE_QUEUE,
                CheckType.DELETE_NON_DURABLE_QUEUE, CheckType.CONSUME, CheckType.SEND);
        configuration.putSecurityRoles("#", Set.of(service, role(PRODUCER_ROLE, temporaryQueues), role(SUBSCRIBER_ROLE, temporaryQueues)));
        configuration.putSecurityRoles("payroute.#", Set.of(service));
        configuration.putSecurityRoles(a.getRequests(), Set.of(service, role(PRODUCER_ROLE, EnumSet.of(CheckType.SEND))));
        configuration.putSecurityRoles(a.getEvents(), Set.of(service, role(SUBSCRIBER_ROLE, EnumSet.of(CheckType.CONSUME,
                CheckType.CREATE_NON_DURABLE_QUEUE, CheckType.DELETE_NON_DURABLE_QUEUE, CheckType.CREATE_DURABLE_QUEUE,
                CheckType.DELETE_DURABLE_QUEUE))));
    }

    private static Role role(String name, Set<CheckType> p) {
        return new Role(name, p.contains(CheckType.SEND), p.contains(CheckType.CONSUME),
                p.contains(CheckType.CREATE_DURABLE_QUEUE), p.contains(CheckType.DELETE_DURABLE_QUEUE),
                p.contains(CheckType.CREATE_NON_DURABLE_QUEUE), p.contains(CheckType.DELETE_NON_DURABLE_QUEUE),
                p.contains(CheckType.MANAGE), p.contains(CheckType.BROWSE), p.contains(CheckType.CREATE_ADDRESS),
                p.contains(CheckType.DELETE_ADDRESS));
    }

    /** The queues exist from the start (nothing relies on auto-creation) with their dead-letter and redelivery settings. */
    private static void addresses(Configuration configuration, BrokerProperties broker) {
        BrokerProperties.Addresses a = broker.getAddresses();
        for (String queue : new String[] {a.getRequests(), a.getWork(), a.getDeadLetters(), a.getProviderWebhooks(),
                a.getWebhookDeliveries()}) {
            configuration.addAddressConfiguration(new CoreAddressConfiguration().setName(queue)
                    .addRoutingType(RoutingType.ANYCAST)
                    .addQueueConfiguration(QueueConfiguration.of(queue).setRoutingType(RoutingType.ANYCAST).setDurable(true)));
        }
        // every event also lands in the durable fan-out queue, so none is lost while no instance is consuming
        configuration.addAddressConfiguration(new CoreAddressConfiguration().setName(a.getEvents())
                .addRoutingType(RoutingType.MULTICAST)
                .addQueueConfiguration(QueueConfiguration.of(a.getWebhookFanout()).setAddress(a.getEvents())
                        .setRoutingType(RoutingType.MULTICAST).setDurable(true)));
        // routing outcomes: each instance's non-durable subscription is its own queue, gone with the instance
        configuration.addAddressConfiguration(new CoreAddressConfiguration().setName(a.getRoutingOutcomes())
                .addRoutingType(RoutingType.MULTICAST));
        BrokerProperties.Redelivery r = broker.getRedelivery();
        AddressSettings consumed = new AddressSettings()
                .setDeadLetterAddress(SimpleString.of(a.getDeadLetters()))
                .setMaxDeliveryAttempts(r.getMaxDeliveryAttempts())
                .setRedeliveryDelay(r.getDelay().toMillis())
                .setRedeliveryMultiplier(r.getMultiplier())
                .setMaxRedeliveryDelay(r.getMaxDelay().toMillis());
        configuration.addAddressSetting(a.getRequests(), consumed);
        configuration.addAddressSetting(a.getWork(), consumed);
        configuration.addAddressSetting(a.getProviderWebhooks(), consumed);
        configuration.addAddressSetting(a.getWebhookDeliveries(), consumed);
        configuration.addAddressSetting(a.getEvents(), consumed);
    }
}
