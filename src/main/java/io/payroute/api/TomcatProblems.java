package io.payroute.api;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.servlet.ServletException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * What Tomcat answers on its own, answered as {@code application/problem+json} like everything else: requests it
 * refuses before any filter or route sees them (a malformed request line or header, headers over the size limit,
 * an invalid path) would otherwise get an HTML page, and TRACE an empty 405. TRACE is let through the connector
 * only to be refused here, first in the engine's pipeline: no servlet ever echoes a request (and its credentials).
 */
@Component
public class TomcatProblems implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addConnectorCustomizers(connector -> connector.setAllowTrace(true));
        factory.addEngineValves(new RefuseTrace());
        factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                host.setErrorReportValveClass(ErrorReport.class.getName());
            }
        });
    }

    /** The host's error report (created by Tomcat from its class name): a problem instead of an HTML page. */
    public static class ErrorReport extends ErrorReportValve {

        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            int status = response.getStatus();
            if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
                return;
            }
            write(response, status, "The HTTP request was refused before PayRoute read it (malformed request line or headers,"
                    + " headers too large, or an invalid path); nothing was processed.");
        }
    }

    static final class RefuseTrace extends ValveBase {

        RefuseTrace() {
            super(true); // the API's requests are processed asynchronously: every valve on their way must allow it
        }

        @Override
        public void invoke(Request request, Response response) throws IOException, ServletException {
            if (!"TRACE".equals(request.getMethod())) {
                getNext().invoke(request, response);
                return;
            }
            response.setStatus(405);
            response.setHeader("Allow", "GET, HEAD, POST, PUT, DELETE, OPTIONS");
            write(response, 405, "TRACE is not supported");
        }
    }

    private static void write(Response response, int status, String detail) {
        AtomicBoolean ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return; // the connection is gone: nobody would read the answer
        }
        HttpStatus known = HttpStatus.resolve(status);
        ProblemException problem = new ProblemException(status, known == null ? "http_" + status : known.name().toLowerCase(),
                known == null ? "HTTP " + status : known.getReasonPhrase(), detail);
        try {
            response.setContentType(Problems.MEDIA_TYPE);
            response.setCharacterEncoding("UTF-8");
            PrintWriter writer = response.getReporter();
            if (writer != null) {
                writer.write(Problems.toJson(problem));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client went away while the answer was written: nothing left to tell it
        }
    }
}
