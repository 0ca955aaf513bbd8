package org.example.sample;

public class SampleActivator {

    private void ensurePrivilegeLevelRoles(UserService userService, Role existing) {
        if (existing == null) {
            Role fullPrivilegeLevel = new Role();
            fullPrivilegeLevel.setRole(SampleConstants.PRIVILEGE_LEVEL_FULL_ROLE);
            fullPrivilegeLevel.setDescription("A role that has all API privileges");
            fullPrivilegeLevel.setUuid(SampleConstants.PRIVILEGE_LEVEL_FULL_UUID);
            userService.saveRole(fullPrivilegeLevel);
        }
    }

    public ConceptSource createConceptSource(ConceptService conceptService) {
        ConceptSource conceptSource = new ConceptSource();
        conceptSource.setName(SampleConstants.EMR_CONCEPT_SOURCE_NAME);
        conceptSource.setUuid("edd52713-8887-47b7-ba9e-6e1148824ca4");
        return conceptService.saveConceptSource(conceptSource);
    }

    public Role copyOf(Role role) {
        Role copy = new Role();
        copy.setRole(role.getRole());
        return copy;
    }
}
