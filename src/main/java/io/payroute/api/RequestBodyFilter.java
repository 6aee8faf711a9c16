package io.payroute.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The API's request bodies, checked before anything reads them: over 64 KiB (declared length) is 413, anything but
 * application/json is 415. Checked here and not only by the routes' parsers because the HTTP layer acts on some
 * bodies itself (a form body is decoded into the message, and a malformed one fails there); bodies without a
 * declared length are capped again by the parsers.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestBodyFilter extends OncePerRequestFilter {

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/v1/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean hasBody = request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
        try {
            if (request.getContentLengthLong() > ChargeRequestParser.MAX_BODY_BYTES) {
                throw ChargeRequestParser.tooLarge();
            }
            if (hasBody) {
                ChargeRequestParser.requireJson(request.getContentType());
            }
        } catch (ProblemException p) {
            response.setStatus(p.status());
            response.setContentType(Problems.MEDIA_TYPE);
            response.setHeader("Connection", "close");
            response.getOutputStream().write(Problems.toJson(p).getBytes(StandardCharsets.UTF_8));
            return;
        }
        chain.doFilter(request, response);
    }
}
