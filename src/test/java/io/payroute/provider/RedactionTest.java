package io.payroute.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** What excerpts of provider traffic may keep: never card data or credentials. */
class RedactionTest {

    @Test
    void cardDataAndCredentialsAreMaskedAtAnyDepth() throws Exception {
        JsonNode body = new ObjectMapper().readTree("""
                {"amount": 5000, "card": {"number": "4242424242424242", "cvv": "123"},
                 "authorization_code": "AUTH_abcdef123", "payment_method_data": {"card": {"cvc": "999"}},
                 "metadata": {"note": "4000000000009995"}}""");
        String redacted = Redaction.redact(body).toString();
        assertThat(redacted).doesNotContain("4242424242424242").doesNotContain("\"123\"").doesNotContain("AUTH_abcdef123")
                .doesNotContain("999\"").doesNotContain("4000000000009995")
                .contains("****4242").contains("\"amount\":5000");
        assertThat(body.at("/card/number").asText()).as("the original is untouched").isEqualTo("4242424242424242");
    }

    @Test
    void textExcerptsLoseCardNumbersButKeepOtherNumbers() {
        assertThat(Redaction.redactText("<html>card 4242424242424242 failed, order 12345</html>"))
                .isEqualTo("<html>card ****4242 failed, order 12345</html>");
    }
}
