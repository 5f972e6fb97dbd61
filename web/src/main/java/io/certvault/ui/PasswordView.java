package io.certvault.ui;

import io.certvault.application.SignInService;
import io.certvault.domain.CertvaultException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.Map;

/** The signed-in user changes their own password, then signs in again with it. */
@Named
@RequestScoped
public class PasswordView {

    @Inject
    SignInService signIn;

    private String current;
    private String next;
    private String repeated;

    public String change() {
        try {
            if (next == null || !next.equals(repeated)) {
                Ui.error("password:repeated", "The two new passwords differ.");
                return null;
            }
            signIn.changeOwnPassword(current == null ? new char[0] : current.toCharArray(), next.toCharArray());
            // The change ended this session too.
            FacesContext.getCurrentInstance().getExternalContext().invalidateSession();
            return "login?faces-redirect=true&passwordChanged=true";
        } catch (CertvaultException e) {
            Ui.error(e, Map.of("CurrentPasswordIncorrect", "password:current", "PasswordTooWeak", "password:next"));
            return null;
        } finally {
            current = null;
            next = null;
            repeated = null;
        }
    }

    public String getCurrent() {
        return null;
    }

    public void setCurrent(String current) {
        this.current = current;
    }

    public String getNext() {
        return null;
    }

    public void setNext(String next) {
        this.next = next;
    }

    public String getRepeated() {
        return null;
    }

    public void setRepeated(String repeated) {
        this.repeated = repeated;
    }
}
