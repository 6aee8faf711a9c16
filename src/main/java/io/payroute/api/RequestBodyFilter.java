package io.payroute.api;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The API's request bodies, checked before anything reads them: over 64 KiB is 413 (by the declared length, or for
 * a body without one, once 64 KiB and a byte have arrived), anything but application/json is 415. Checked here and
 * not only by the routes' parsers because the HTTP layer acts on some bodies itself (a form body is decoded into
 * the message, and a malformed one fails there).
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
            if (hasBody && request.getContentLengthLong() < 0) {
                // no declared length (chunked): read at most one byte past the limit, so a sender cannot make the
                // service hold or wait for more than that
                byte[] body = request.getInputStream().readNBytes(ChargeRequestParser.MAX_BODY_BYTES + 1);
                if (body.length > ChargeRequestParser.MAX_BODY_BYTES) {
                    throw ChargeRequestParser.tooLarge();
                }
                request = new ReadBody(request, body);
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

    /** A request whose body was read here, served to the routes from memory. */
    private static final class ReadBody extends HttpServletRequestWrapper {
        private final byte[] body;

        ReadBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body has been read already");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            String encoding = getCharacterEncoding();
            return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body),
                    encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding)));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
