package io.certvault.rest;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;

@ApplicationPath("api")
@OpenAPIDefinition(info = @Info(title = "Certvault", version = "0.1",
        description = "Integration accounts, their certificates, and vault-held keys, shaped like Azure's "
                + "Microsoft.Logic/integrationAccounts resources. Every call accepts and ignores api-version."))
public class CertvaultApi extends Application {
}
