package io.certvault.ui;

import io.certvault.application.As2TransportService;
import io.certvault.domain.As2Message;
import io.certvault.domain.As2MessageRepository;
import io.certvault.domain.CertvaultException;
import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * An account's AS2 messages, in and out, newest first, with the list's filters (direction, status, partner,
 * agreement, time range) as the page's parameters, so that a filtered list is a link; one message's details with
 * its MDN and attempts, downloads of what it carried, and Resend and Acknowledge.
 */
@Named
@ViewScoped
public class MessagesView implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final int PAGE = 200;

    @Inject
    transient As2TransportService transport;

    private String account;
    private String direction;
    private String status;
    private String partner;
    private String agreement;
    private String from;
    private String to;
    private String id;
    private transient List<As2Message> rows;
    private transient As2Message message;
    private transient java.util.Set<As2MessageRepository.Content> kept = java.util.Set.of();

    /** Whether the message keeps this content (PAYLOAD, RAW, MDN), so that it can be downloaded. */
    public boolean keeps(String kind) {
        return kept.contains(As2MessageRepository.Content.valueOf(kind));
    }

    public String load() {
        try {
            getRows();
            if (id != null && !id.isEmpty()) {
                message = transport.get(account, id);
                kept = transport.kept(account, id);
            }
            return null;
        } catch (CertvaultException e) {
            Ui.error(null, e.getMessage());
            return rows == null ? "accounts" : null;
        }
    }

    public List<As2Message> getRows() {
        if (rows == null) {
            As2MessageRepository.Query query;
            try {
                query = As2TransportService.query(direction, status, partner, agreement, from, to, null);
            } catch (CertvaultException e) {
                // A filter the page cannot use (a hand-edited link): said, and nothing listed.
                Ui.error(null, e.getMessage());
                rows = List.of();
                return rows;
            }
            rows = transport.list(account, query, String.valueOf(PAGE)).items();
        }
        return rows;
    }

    public As2Message getMessage() {
        return message;
    }

    /** Whether the list holds its page's worth: older messages are left out (narrow the filters). */
    public boolean isFull() {
        return getRows().size() >= PAGE;
    }

    public List<String> getDirections() {
        return Arrays.stream(As2Message.Direction.values()).map(Enum::name).toList();
    }

    public List<String> getStatuses() {
        return Arrays.stream(As2Message.Status.values()).map(Enum::name).toList();
    }

    public boolean isResendable() {
        return message != null && message.direction() == As2Message.Direction.Outbound
                && message.status() != As2Message.Status.Queued && message.status() != As2Message.Status.Sending;
    }

    public boolean isAcknowledgeable() {
        return message != null && message.status() == As2Message.Status.Received;
    }

    public String resend() {
        try {
            transport.resend(account, id);
            Ui.info("Message " + message.messageId() + " is queued to be sent again.");
        } catch (CertvaultException e) {
            Ui.error(null, e.getMessage());
        }
        return detail();
    }

    public String acknowledge() {
        try {
            transport.acknowledge(account, id);
            Ui.info("Message " + message.messageId() + " is marked picked up (Processed).");
        } catch (CertvaultException e) {
            Ui.error(null, e.getMessage());
        }
        return detail();
    }

    private String detail() {
        return Ui.redirect("messages", "account", account) + "&id="
                + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The list with the filters as set in the form: the page again, with them as its parameters. */
    public String filter() {
        id = null;
        return "messages?faces-redirect=true&includeViewParams=true";
    }

    /** Downloads what the message carried: {@code PAYLOAD}, {@code RAW} or {@code MDN}. */
    public void download(String kind) throws IOException {
        As2MessageRepository.Content content = As2MessageRepository.Content.valueOf(kind);
        FacesContext faces = FacesContext.getCurrentInstance();
        try {
            InputStream in = transport.content(account, id, content).orElse(null);
            if (in == null) {
                Ui.error(null, "Message " + message.messageId() + " has no " + kind.toLowerCase(Locale.ROOT) + " kept.");
                return;
            }
            ExternalContext external = faces.getExternalContext();
            external.responseReset();
            external.setResponseContentType(content == As2MessageRepository.Content.PAYLOAD
                    && message.contentType() != null ? message.contentType() : "application/octet-stream");
            String name = content == As2MessageRepository.Content.PAYLOAD && message.fileName() != null
                    ? message.fileName() : message.id() + "." + kind.toLowerCase(Locale.ROOT);
            external.setResponseHeader("Content-Disposition", "attachment; filename=\""
                    + name.replaceAll("[^A-Za-z0-9._-]", "_") + "\"");
            try (in) {
                in.transferTo(external.getResponseOutputStream());
            }
            faces.responseComplete();
        } catch (CertvaultException e) {
            Ui.error(null, e.getMessage());
        }
    }

    /** The outbound message's AS2 headers, one per line. */
    public String getHeaders() {
        return message == null || message.headers() == null ? "" : message.headers().strip();
    }

    public String getAccount() {
        return account;
    }

    public void setAccount(String account) {
        this.account = account;
    }

    public String getDirection() {
        return direction;
    }

    public void setDirection(String direction) {
        this.direction = direction;
    }

    public String getStatus() {
        return status;
    }

    public void setStatus(String status) {
        this.status = status;
    }

    public String getPartner() {
        return partner;
    }

    public void setPartner(String partner) {
        this.partner = partner;
    }

    public String getAgreement() {
        return agreement;
    }

    public void setAgreement(String agreement) {
        this.agreement = agreement;
    }

    public String getFrom() {
        return from;
    }

    public void setFrom(String from) {
        this.from = from;
    }

    public String getTo() {
        return to;
    }

    public void setTo(String to) {
        this.to = to;
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }
}
