package io.certvault.ui;

import io.certvault.domain.CertvaultException;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Small helpers the pages share: messages, uploads, redirects. */
final class Ui {
    static final int MAX_UPLOAD = 1024 * 1024;

    private Ui() {
    }

    static void error(String clientId, String message) {
        FacesContext.getCurrentInstance().addMessage(clientId,
                new FacesMessage(FacesMessage.SEVERITY_ERROR, message, message));
    }

    static void info(String message) {
        FacesContext context = FacesContext.getCurrentInstance();
        context.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_INFO, message, message));
        // Survives a redirect to the next page.
        context.getExternalContext().getFlash().setKeepMessages(true);
    }

    /** Puts the error next to the field its code belongs to, or at the top of the page. */
    static void error(CertvaultException e, Map<String, String> fieldByCode) {
        error(fieldByCode.get(e.errorCode().code()), e.getMessage());
    }

    /** The uploaded file's bytes, or null (with a message on the field) when it is missing or too large. */
    static byte[] upload(Part part, String clientId) {
        if (part == null || part.getSize() == 0) {
            error(clientId, "Choose a file.");
            return null;
        }
        if (part.getSize() > MAX_UPLOAD) {
            error(clientId, "The file is larger than 1 MiB: certificates and keys are far smaller; check the file.");
            return null;
        }
        try (InputStream in = part.getInputStream()) {
            return in.readNBytes(MAX_UPLOAD);
        } catch (IOException e) {
            error(clientId, "The file could not be read: send it again.");
            return null;
        }
    }

    static String redirect(String page, String parameter, String value) {
        return page + "?faces-redirect=true&" + parameter + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static String redirect(String page, String parameter, String value, String other, String otherValue) {
        return redirect(page, parameter, value) + "&" + other + "=" + URLEncoder.encode(otherValue,
                StandardCharsets.UTF_8);
    }

    /** Times as the pages show them: to the minute, in UTC. */
    static final java.time.format.DateTimeFormatter TIME = java.time.format.DateTimeFormatter
            .ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(java.time.ZoneOffset.UTC);

    /** Answers the request with a file to save instead of the page. */
    static void sendFile(byte[] content, String contentType, String fileName) throws java.io.IOException {
        jakarta.faces.context.FacesContext context = jakarta.faces.context.FacesContext.getCurrentInstance();
        jakarta.faces.context.ExternalContext external = context.getExternalContext();
        external.responseReset();
        external.setResponseContentType(contentType);
        external.setResponseContentLength(content.length);
        external.setResponseHeader("Content-Disposition", "attachment; filename=\"" + fileName + "\"");
        external.getResponseOutputStream().write(content);
        context.responseComplete();
    }
}
