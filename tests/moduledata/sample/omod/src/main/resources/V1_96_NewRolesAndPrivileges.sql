insert ignore into privilege values ('app:clinical:treatmentTab', 'View Treatment tab', UUID());
insert ignore into privilege values ('app:implementer-interface', 'Will give access to implementer interface app', UUID());

# Create Bahmni-App-User-Login role
insert ignore into role values('Bahmni-App-User-Login', 'Will give ability to login to the application', UUID());
insert ignore into role_privilege values('Bahmni-App-User-Login', 'Edit Users');
