package io.payroute.api;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * An {@code X-Request-Id} PayRoute would not keep as a correlation id ({@link ChargeFlow#validRequestId}: control
 * characters, folded lines, over 64 characters) is dropped before the request reaches any route, as if it had not
 * been sent: the routes generate one instead, and no answer can echo it back (Camel's OpenAPI endpoint answers with
 * the request's headers).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
public class RequestIdFilter extends OncePerRequestFilter {

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String id = request.getHeader(ChargeFlow.REQUEST_ID_HEADER);
        return id == null || ChargeFlow.validRequestId(id);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        chain.doFilter(new HttpServletRequestWrapper(request) {
            @Override
            public String getHeader(String name) {
                return hidden(name) ? null : super.getHeader(name);
            }

            @Override
            public Enumeration<String> getHeaders(String name) {
                return hidden(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
            }

            @Override
            public Enumeration<String> getHeaderNames() {
                return Collections.enumeration(Collections.list(super.getHeaderNames()).stream().filter(n -> !hidden(n)).toList());
            }

            private boolean hidden(String name) {
                return ChargeFlow.REQUEST_ID_HEADER.equalsIgnoreCase(name);
            }
        }, response);
    }
}
