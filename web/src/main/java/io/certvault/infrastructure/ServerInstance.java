package io.certvault.infrastructure;

import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.util.UUID;

/**
 * This server among those sharing a database: its host name and a random part (two servers on one host are two),
 * as leases and claims name their holder.
 */
@ApplicationScoped
public class ServerInstance {
    private final String id = hostName() + "/" + UUID.randomUUID().toString().substring(0, 8);

    public String id() {
        return id;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "certvault";
        }
    }
}
