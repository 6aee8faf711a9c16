package io.payroute.api;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** The JSON edges every API bean shares: reading a JSON object body, and answering with JSON. */
public final class Responses {

    private Responses() {
    }

    /** Answers {@code status} with the JSON {@code body}, no request header echoed, the correlation id kept. */
    public static void json(Exchange exchange, int status, String body) {
        Message out = exchange.getMessage();
        out.removeHeaders("*");
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        Object requestId = exchange.getProperty(ChargeFlow.REQUEST_ID);
        if (requestId != null) {
            out.setHeader(ChargeFlow.REQUEST_ID_HEADER, requestId);
        }
        out.setBody(body);
    }

    /** The request body as bytes, kept on the message (the HTTP stream can be read only once). */
    public static byte[] bytes(Message in) {
        byte[] body = in.getBody(byte[].class);
        in.setBody(body);
        return body;
    }

    /**
     * The request's JSON object: 415 unless sent as application/json, 400 naming {@code body} when it is not one
     * JSON object, 413 over 64 KiB.
     */
    public static ObjectNode jsonObject(Message in, ObjectMapper json) {
        ChargeRequestParser.requireJson(in.getHeader(Exchange.CONTENT_TYPE, String.class));
        byte[] body = bytes(in);
        if (body == null || body.length == 0) {
            throw ProblemException.invalid("body", "a JSON object is required");
        }
        if (body.length > ChargeRequestParser.MAX_BODY_BYTES) {
            throw ChargeRequestParser.tooLarge();
        }
        try (JsonParser parser = json.createParser(body)) {
            JsonNode root = json.readTree(parser);
            if (parser.nextToken() != null || !(root instanceof ObjectNode object)) {
                throw ProblemException.invalid("body", "must be one JSON object");
            }
            return object;
        } catch (JsonParseException e) {
            throw ProblemException.invalid("body", "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ProblemException.invalid("body", "unreadable JSON");
        }
    }
}
