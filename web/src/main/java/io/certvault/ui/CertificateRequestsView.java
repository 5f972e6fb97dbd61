package io.certvault.ui;

import io.certvault.application.CertificateIssuance;
import io.certvault.domain.CertificateRequest;
import io.certvault.domain.CertvaultException;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An account's certificate requests: each with its state; the one chosen with its CSR to copy or download, and,
 * while pending, the CA's answer to complete it with (pasted, or a .pem/.p7b/.cer file), or deletion.
 */
@Named
@ViewScoped
public class CertificateRequestsView implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final int MAX_ANSWER = 1024 * 1024;

    @Inject
    CertificateIssuance issuance;

    private String account;
    private String request;
    private List<Row> rows = List.of();
    private String csr;
    private String state;
    private String answer;
    private transient Part answerFile;

    /** One request of the list. */
    public record Row(String name, String state, String subject, String key, String created, String certificate)
            implements Serializable {
    }

    public String load() {
        try {
            List<Row> found = new ArrayList<>();
            String after = null;
            do {
                var page = issuance.requests(account, after, "100");
                for (CertificateRequest r : page.items()) {
                    found.add(new Row(r.name(), r.state().name(), r.subject(), r.key().toString(),
                            Ui.TIME.format(r.createdTime()), r.certificateName() == null ? "" : r.certificateName()));
                }
                after = page.continueAfter();
            } while (after != null);
            rows = found;
            if (request != null && !request.isBlank()) {
                CertificateRequest chosen = issuance.getRequest(account, request);
                csr = chosen.pem();
                state = chosen.state().name();
            }
            return null;
        } catch (CertvaultException e) {
            Ui.error(null, e.getMessage());
            return rows.isEmpty() && request == null ? "accounts" : null;
        }
    }

    /** Completes the chosen request with the CA's answer, pasted or uploaded. */
    public String complete() {
        String given = answer;
        try {
            if (answerFile != null && answerFile.getSize() > 0) {
                if (answerFile.getSize() > MAX_ANSWER) {
                    Ui.error("answer:file", "The file is larger than 1 MiB: it is not a CA's answer.");
                    return null;
                }
                try (InputStream in = answerFile.getInputStream()) {
                    byte[] bytes = in.readAllBytes();
                    // A binary (DER) answer is read as base64, as the API takes it.
                    given = bytes.length > 0 && bytes[0] == 0x30 ? java.util.Base64.getEncoder().encodeToString(bytes)
                            : new String(bytes, StandardCharsets.US_ASCII);
                }
            }
            issuance.complete(account, request, given, null, null);
            Ui.info("Certificate request '" + request + "' completed: certificate '" + request + "' added with "
                    + "the CA's chain.");
            return Ui.redirect("certificate", "account", account, "name", request);
        } catch (CertvaultException e) {
            Ui.error("answer:text", e.getMessage());
            return null;
        } catch (IOException e) {
            Ui.error("answer:file", "The file could not be read.");
            return null;
        }
    }

    public String delete() {
        try {
            issuance.deleteRequest(account, request);
            Ui.info("Certificate request '" + request + "' deleted; its key stays in the vault.");
            return Ui.redirect("certificate-requests", "account", account);
        } catch (CertvaultException e) {
            Ui.error(null, e.getMessage());
            return null;
        }
    }

    /** Sends the CSR as a .csr file. */
    public void download() throws IOException {
        Ui.sendFile(csr.getBytes(StandardCharsets.US_ASCII), "application/pkcs10", request + ".csr");
    }

    public String getAccount() {
        return account;
    }

    public void setAccount(String account) {
        this.account = account;
    }

    public String getRequest() {
        return request;
    }

    public void setRequest(String request) {
        this.request = request;
    }

    public List<Row> getRows() {
        return rows;
    }

    public String getCsr() {
        return csr;
    }

    public boolean isPending() {
        return "Pending".equals(state);
    }

    public String getAnswer() {
        return answer;
    }

    public void setAnswer(String answer) {
        this.answer = answer;
    }

    public Part getAnswerFile() {
        return answerFile;
    }

    public void setAnswerFile(Part answerFile) {
        this.answerFile = answerFile;
    }
}
