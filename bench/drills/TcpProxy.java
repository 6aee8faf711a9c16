import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A loopback TCP forwarder the database-outage drill puts between PayRoute and PostgreSQL: killing this process cuts
 * every connection at once, as a database that went away would, without touching the machine's shared PostgreSQL.
 *
 * <pre>java bench/drills/TcpProxy.java &lt;listen-port&gt; &lt;target-port&gt;</pre>
 */
public class TcpProxy {

    public static void main(String[] args) throws IOException {
        int listen = Integer.parseInt(args[0]);
        int target = Integer.parseInt(args[1]);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(loopback, listen));
            System.out.println("forwarding 127.0.0.1:" + listen + " -> 127.0.0.1:" + target);
            while (true) {
                Socket client = server.accept();
                Socket upstream = new Socket(loopback, target);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                pipe(client, upstream);
                pipe(upstream, client);
            }
        }
    }

    /** Copies one direction until either side closes, then closes both. */
    private static void pipe(Socket from, Socket to) {
        Thread copier = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException closed) {
                // the other direction or the peer closed: nothing left to copy
            } finally {
                close(from);
                close(to);
            }
        });
        copier.setDaemon(true);
        copier.start();
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
