package io.payroute.merchant;

import java.nio.file.Path;
import java.time.Clock;

import io.payroute.charge.Ids;
import io.payroute.secrets.SecretFile;
import jakarta.annotation.PostConstruct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;

/**
 * The first merchant, so a fresh install answers requests: created at start when missing, with one API key,
 * {@code PAYROUTE_MERCHANT_API_KEY} or one generated into {@code payroute.bootstrap.api-key-file} (owner-only,
 * never logged). Further merchants and keys come from the admin API. Safe when several instances start at once.
 */
@Component
public class MerchantBootstrap {

    private static final Logger log = LoggerFactory.getLogger(MerchantBootstrap.class);

    private final MerchantRepository merchants;
    private final Clock clock;
    private final String merchantId;
    private final String name;
    private final String configuredKey;
    private final Path keyFile;

    public MerchantBootstrap(MerchantRepository merchants, Clock clock,
                             @Value("${payroute.bootstrap.merchant}") String merchantId,
                             @Value("${payroute.bootstrap.merchant-name}") String name,
                             @Value("${payroute.bootstrap.api-key:}") String configuredKey,
                             @Value("${payroute.bootstrap.api-key-file}") Path keyFile) {
        this.merchants = merchants;
        this.clock = clock;
        this.merchantId = merchantId;
        this.name = name;
        this.configuredKey = configuredKey;
        this.keyFile = keyFile;
    }

    @PostConstruct
    void ensureFirstMerchant() {
        if (merchants.insertIfAbsent(merchantId, name, clock.instant())) {
            log.info("created merchant {}", merchantId);
        }
        String key = configuredKey.isBlank() ? SecretFile.readOrCreate(keyFile, ApiKeys::generate, "PAYROUTE_MERCHANT_API_KEY")
                : configuredKey;
        String hash = ApiKeys.hash(key);
        if (!merchants.keyExists(hash)) {
            try {
                merchants.insertKey(Ids.apiKey(), merchantId, hash, ApiKeys.prefix(key), "bootstrap key", clock.instant());
            } catch (DuplicateKeyException racedWithAnotherInstance) {
                // the same key, inserted by an instance starting at the same time
            }
        }
    }
}
