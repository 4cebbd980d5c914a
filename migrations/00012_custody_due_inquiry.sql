-- +goose Up
-- Two things for sharper decisions:
--
-- 1. A shortlist entry placed above a candidate with a higher weighted total
--    carries the reason for that inversion; '' where there is none.
-- 2. Version 1 of a second template family, "Custody due inquiry": the
--    questions custody law and the security standard ask of a custodian.
--    Each item's guidance names the public source and section it rests on;
--    evidence is required where a document exists to be read.
ALTER TABLE shortlist_entries ADD COLUMN inversion_rationale text NOT NULL DEFAULT '';

INSERT INTO templates (family, version, name, description, created_at)
VALUES ('custody_due_inquiry', 1, 'Custody due inquiry',
        'A custody-law inquiry: the conditions of the SEC staff''s no-action letter of 30 September 2025 on state trust companies, '
        || 'the CryptoCurrency Security Standard (CCSS), the custody-agreement terms of MiCA Article 75, the NYDFS custody guidance, '
        || 'and proof of reserves, insurance, forks and exit. Each item names its source.',
        '2026-11-28T00:00:00Z');

INSERT INTO template_criteria (template_id, key, name, description, weight, position)
SELECT t.id, v.key, v.name, v.description, v.weight, v.position
FROM templates t
CROSS JOIN (VALUES
    ('legal_protection', 'Legal protection',
     'Whether our assets would survive the custodian''s failure: its authorisation, segregation in law and in the books, bankruptcy remoteness, and a ban on lending or rehypothecation.',
     30, 1),
    ('key_security', 'Key security',
     'How keys are generated, stored, used, recovered and revoked, judged against the CCSS aspects and the custodian''s certification level.',
     25, 2),
    ('assurance', 'Independent assurance',
     'What independent parties have checked: audited accounts, SOC reports and their opinions, security tests, key-control testing, proof of reserves and the surprise examination.',
     20, 3),
    ('custody_terms', 'Custody terms',
     'Whether the custody agreement says what MiCA Article 75 asks of it: policy, authentication, fees, law, records, statements, return of assets and liability.',
     15, 4),
    ('exit_resilience', 'Exit and resilience',
     'Insurance that fits our holdings, treatment of forks and airdrops, and how fast we could take our assets elsewhere.',
     10, 5)
) AS v (key, name, description, weight, position)
WHERE t.family = 'custody_due_inquiry' AND t.version = 1;

INSERT INTO template_sections (template_id, key, title, position)
SELECT t.id, v.key, v.title, v.position
FROM templates t
CROSS JOIN (VALUES
    ('state_trust', 'SEC staff no-action letter (30 September 2025) and Rule 206(4)-2', 1),
    ('ccss', 'CryptoCurrency Security Standard', 2),
    ('mica_terms', 'MiCA Article 75 custody terms', 3),
    ('nydfs', 'NYDFS custody guidance', 4),
    ('reserves_resilience', 'Reserves, insurance and exit', 5)
) AS v (key, title, position)
WHERE t.family = 'custody_due_inquiry' AND t.version = 1;

INSERT INTO template_items (template_id, section_key, key, prompt, guidance, evidence_required, position)
SELECT t.id, v.section_key, v.key, v.prompt, v.guidance, v.evidence_required, v.position
FROM templates t
CROSS JOIN (VALUES
    -- SEC staff no-action letter of 30 September 2025 (Division of Investment Management) and Rule 206(4)-2
    ('state_trust', 'state_trust.authorisation',
     'Is the custodian authorised by its state banking authority to hold crypto assets in custody, and is that authority the one that supervises and examines it?',
     'Source: SEC staff no-action letter of 30 September 2025, due-inquiry condition. Obtain the charter and the authorising order, and check the state banking regulator''s public register. Repeat the check every year: the letter asks for a reasonable basis before engaging and annually afterwards.',
     true, 1),
    ('state_trust', 'state_trust.key_cyber_policies',
     'Does the custodian keep written policies and procedures for safeguarding crypto assets, covering private-key management and cybersecurity?',
     'Source: SEC staff no-action letter of 30 September 2025, due-inquiry condition on written policies. Ask for the policies themselves or a controlled summary, with their approval date and owner; a slide deck is not a policy.',
     true, 2),
    ('state_trust', 'state_trust.audited_financials',
     'Are the custodian''s financial statements audited by an independent public accountant, and is the latest opinion unqualified?',
     'Source: SEC staff no-action letter of 30 September 2025, due-inquiry condition on audited financial statements. Attach the latest audited statements and note the auditor, the period and the opinion.',
     true, 3),
    ('state_trust', 'state_trust.soc_report',
     'Has the custodian received a SOC 1 or SOC 2 report on its custody controls, and what did the auditor conclude?',
     'Source: SEC staff no-action letter of 30 September 2025, due-inquiry condition on an internal-control report. Attach the report; record its type (Type II covers a period of operation), the period, the opinion and any exceptions. A qualified or adverse opinion raises the red flag of that name.',
     true, 4),
    ('state_trust', 'state_trust.agreement_segregation',
     'Does the written custody agreement require the custodian to keep our assets segregated from its own and forbid lending, pledging or rehypothecating them without our consent?',
     'Source: SEC staff no-action letter of 30 September 2025, condition on a written custodial services agreement. Attach the agreement and quote the clauses. No segregation clause, or a clause permitting rehypothecation, raises a critical red flag.',
     true, 5),
    ('state_trust', 'state_trust.best_interest',
     'Have we documented why using this custodian is in the best interest of our clients or fund?',
     'Source: SEC staff no-action letter of 30 September 2025, best-interest condition. This is our own determination, not the custodian''s: attach the signed note that weighs its controls, costs and risks against the alternatives.',
     true, 6),
    ('state_trust', 'state_trust.risk_disclosure',
     'Have the material risks of keeping assets with this custodian been disclosed to our clients, or to the fund''s board?',
     'Source: SEC staff no-action letter of 30 September 2025, disclosure condition (advisers disclose to clients; registered funds inform their boards). Attach the disclosure or the board minute.',
     true, 7),
    ('state_trust', 'state_trust.surprise_exam',
     'Where we have custody as an adviser, is the annual surprise examination by an independent public accountant arranged, and can it verify the assets held with this custodian?',
     'Source: Rule 206(4)-2(a)(4) under the Advisers Act; the no-action letter leaves the custody rule''s other requirements in force. Attach the engagement letter or the last examination report, and confirm the custodian will answer the accountant''s confirmations.',
     true, 8),

    -- CryptoCurrency Security Standard (CCSS), CryptoCurrency Certification Consortium
    ('ccss', 'ccss.certification',
     'Is the custodian certified against the CCSS, at which level, by which CCSS auditor, and when does the certificate lapse?',
     'Source: CCSS, levels I to III (the level is the lowest one met across all aspects). Attach the certificate or the auditor''s letter; note the version of the standard audited against and the scope of systems covered.',
     true, 1),
    ('ccss', 'ccss.key_generation',
     'Are keys and seeds generated by the people or agents who will use them, with sufficient entropy and in confidence?',
     'Source: CCSS aspect 1.01, Key/Seed Generation. Ask how entropy is obtained and verified, who is present at a generation ceremony, and how the software used is validated before each run.',
     false, 2),
    ('ccss', 'ccss.wallet_creation',
     'How are wallets created, and do withdrawals need several signers (multi-signature or threshold signing) with keys held by different people?',
     'Source: CCSS aspect 1.02, Wallet Creation. Record the signing scheme (m of n), who holds each key or share, whether one actor can ever sign alone, and whether each address is verified before use.',
     false, 3),
    ('ccss', 'ccss.key_storage',
     'Where are keys, shares and their backups stored, how are they encrypted, and are backups held in separate places under access control?',
     'Source: CCSS aspect 1.03, Key Storage. Ask for the storage design (HSM, secure enclave, paper or metal backup), the number and location of backups, and how their integrity is checked.',
     false, 4),
    ('ccss', 'ccss.key_usage',
     'Are keys used only in trusted environments, with each transaction''s destination and amount verified before signing?',
     'Source: CCSS aspect 1.04, Key Usage. Ask how signers authenticate, how they confirm what they sign, and how the environment in which keys are used is protected.',
     false, 5),
    ('ccss', 'ccss.key_compromise',
     'Is there a written key-compromise protocol that says who acts, how funds are moved to new keys and how clients are told, and has it been rehearsed?',
     'Source: CCSS aspect 1.05, Key Compromise Protocol. Attach the protocol (or a controlled extract) and the date and outcome of the last rehearsal.',
     true, 6),
    ('ccss', 'ccss.grant_revoke',
     'Are there procedures to grant and revoke keyholder access, with identity checks and prompt revocation when someone leaves or falls under suspicion?',
     'Source: CCSS aspect 1.06, Keyholder Grant/Revoke Policies and Procedures. Ask how long a revocation takes and for evidence of the last leaver processed.',
     false, 7),
    ('ccss', 'ccss.security_tests',
     'Have independent security audits and penetration tests covered the custody systems in the last year, and were findings fixed?',
     'Source: CCSS aspect 2.01, Security Audits and Pentests. Attach the executive summary with the tester''s name, the scope, the date and the status of each high finding.',
     true, 8),
    ('ccss', 'ccss.data_sanitisation',
     'Is media that ever held keys or seeds sanitised or destroyed under a written policy before reuse or disposal?',
     'Source: CCSS aspect 2.02, Data Sanitization Policy. Ask for the policy and a record of the last disposal.',
     false, 9),
    ('ccss', 'ccss.audit_logs',
     'Are key and transaction events written to tamper-evident audit logs that are kept, backed up and reviewed?',
     'Source: CCSS aspect 2.04, Audit Logs. Ask what is logged (key use, approvals, policy changes), where the logs live, how long they are kept and who reviews them.',
     false, 10),
    ('ccss', 'ccss.key_control_testing',
     'Has an auditor tested that the custodian controls the keys it claims to, for example by signing messages or moving assets from keys in scope?',
     'Source: CCSS version 8.1 update, which removed the proof-of-reserve aspect (2.03) and left key-control testing to the CCSS auditor''s judgment. Attach the auditor''s description of the test and its sample of keys; proof of reserves is asked about separately below.',
     true, 11),

    -- MiCA (Regulation (EU) 2023/1114), Article 75
    ('mica_terms', 'mica_terms.agreement_terms',
     'Does the custody agreement state the parties, the service, the means of communication and client authentication, the security systems, the fees, costs and charges, and the applicable law?',
     'Source: MiCA Article 75(1). Attach the agreement and tick off each term; a missing term is a gap to close before signing, not after.',
     true, 1),
    ('mica_terms', 'mica_terms.custody_policy',
     'Does the custodian have a custody policy with internal rules and procedures to minimise the risk of losing our assets or the means of access to them, and can we see a summary?',
     'Source: MiCA Article 75(3) (the agreement refers to the policy; clients may ask for a summary). Attach the summary.',
     true, 2),
    ('mica_terms', 'mica_terms.register_positions',
     'Does the custodian keep a register of positions in our name, updated promptly after each of our instructions?',
     'Source: MiCA Article 75(2). Ask how quickly a movement reaches the register and how we can see it.',
     false, 3),
    ('mica_terms', 'mica_terms.reconciliation',
     'Is the register of positions reconciled every day against on-chain balances, with breaks investigated and reported?',
     'Source: MiCA Article 75(2) requires the register; the daily frequency is our expectation, not the Article''s words. Ask for a recent reconciliation report and the rule for escalating a break.',
     true, 4),
    ('mica_terms', 'mica_terms.statements',
     'Will we receive a statement of our positions at least once every three months and whenever we ask?',
     'Source: MiCA Article 75(5). Note the format and whether statements show balances, movements and events such as forks.',
     false, 5),
    ('mica_terms', 'mica_terms.return_assets',
     'Are there procedures to return our crypto assets, or the means of access to them, as soon as possible?',
     'Source: MiCA Article 75(6). Ask for the procedure and the time it promises; compare with the exit item below.',
     false, 6),
    ('mica_terms', 'mica_terms.liability',
     'Is the custodian liable for the loss of our assets through an incident attributable to it, and how is that liability capped?',
     'Source: MiCA Article 75(8) (liability for loss attributable to the custodian, capped at the market value at the time of loss). Quote the agreement''s liability and exclusion clauses.',
     true, 7),
    ('mica_terms', 'mica_terms.bankruptcy_remote',
     'Are our assets legally segregated from the custodian''s estate so that its creditors cannot reach them if it becomes insolvent?',
     'Source: MiCA Article 75(7). Attach the legal opinion or the agreement clauses that establish it, for the entity that actually holds the assets.',
     true, 8),

    -- NYDFS guidance on custodial structures (23 January 2023, updated 30 September 2025)
    ('nydfs', 'nydfs.segregation',
     'Are our assets segregated from the custodian''s own both on-chain (separate wallets, or an omnibus wallet of client assets only) and in its internal ledger?',
     'Source: NYDFS guidance on custodial structures for customer protection in the event of insolvency, on segregation and separate accounting. Ask which wallet model applies to us and for a ledger extract showing our positions separately.',
     false, 1),
    ('nydfs', 'nydfs.sub_custodians',
     'Does the custodian use sub-custodians, are they named to us, and were they approved by the regulator or by us before use?',
     'Source: NYDFS custody guidance, on sub-custody arrangements (the 2025 update sets expectations for sub-custodial agreements); see also MiCA Article 75(9). List each sub-custodian with its role and the approval received.',
     false, 2),

    -- Proof of reserves, insurance, forks and exit: our practice
    ('reserves_resilience', 'reserves_resilience.proof_of_reserves',
     'If the custodian publishes proof of reserves, is it cryptographic or an accountant''s attestation, and does it cover liabilities as well as assets?',
     'Source: our practice, informed by the CCSS 8.1 update (a reserve proof says little without liabilities). Attach the latest report; proof of reserves without liabilities raises the red flag of that name.',
     true, 1),
    ('reserves_resilience', 'reserves_resilience.insurance_fit',
     'Does the insurance fit our holdings: the limit against the assets held for all clients, limits shared with other clients, what is excluded, and when it renews?',
     'Source: our practice. Attach the certificate or broker letter; compare the limit with the custodian''s assets under custody and note whether our cover is shared.',
     true, 2),
    ('reserves_resilience', 'reserves_resilience.forks_airdrops',
     'How does the custodian treat forks, airdrops and token swaps of assets it holds for us, and are we entitled to what they create?',
     'Source: MiCA Article 75(4) (rights created by changes to the ledger follow the client''s position unless agreed otherwise). Ask for the written policy and examples of past events.',
     false, 3),
    ('reserves_resilience', 'reserves_resilience.exit',
     'If we leave, how long would it take to move all our assets to another custodian, what does it cost, and has anyone done it?',
     'Source: our practice, with MiCA Article 75(6) on return of assets. Record the promised time, the fees and any notice period; a test withdrawal is the best evidence.',
     false, 4)
) AS v (section_key, key, prompt, guidance, evidence_required, position)
WHERE t.family = 'custody_due_inquiry' AND t.version = 1;

INSERT INTO template_red_flags (template_id, key, title, description, default_severity, origin, mandate_rule, position)
SELECT t.id, v.key, v.title, v.description, v.default_severity, v.origin, v.mandate_rule, v.position
FROM templates t
CROSS JOIN (VALUES
    ('rehypothecation_permitted', 'Rehypothecation permitted',
     'The custody agreement lets the custodian lend, pledge or rehypothecate our assets, or is silent on it (SEC staff no-action letter of 30 September 2025).',
     'critical', 'red_flag', NULL, 1),
    ('no_segregation_clause', 'No segregation clause',
     'Nothing in the agreement requires our assets to be kept apart from the custodian''s own, on-chain and in its books (no-action letter; MiCA Article 75(7); NYDFS guidance).',
     'critical', 'red_flag', NULL, 2),
    ('soc_opinion_qualified', 'Qualified or adverse SOC opinion',
     'The latest SOC 1 or SOC 2 report carries a qualified or adverse opinion, or significant exceptions on custody controls.',
     'high', 'red_flag', NULL, 3),
    ('por_without_liabilities', 'Proof of reserves without liabilities',
     'The custodian cites a proof of reserves that shows assets but not what it owes, so it proves little about solvency.',
     'medium', 'red_flag', NULL, 4),
    ('not_bankruptcy_remote', 'Assets not bankruptcy remote',
     'We cannot show that the custodian''s creditors would be unable to reach our assets if it became insolvent (MiCA Article 75(7)).',
     'critical', 'red_flag', NULL, 5),
    ('no_key_compromise_protocol', 'No key-compromise protocol',
     'There is no written, rehearsed protocol for a suspected key compromise (CCSS aspect 1.05).',
     'high', 'red_flag', NULL, 6),
    ('undisclosed_sub_custodian', 'Undisclosed sub-custodian',
     'Assets are, or may be, passed to a sub-custodian that has not been named to us or approved (NYDFS custody guidance).',
     'high', 'red_flag', NULL, 7),
    ('no_surprise_exam', 'Surprise examination not possible',
     'The annual surprise examination under Rule 206(4)-2 cannot verify the assets held with this custodian.',
     'high', 'red_flag', NULL, 8),
    ('insurance_limit_shared', 'Insurance limit shared or too small',
     'The insurance limit is small against the assets held, or shared with other clients so that our cover is uncertain.',
     'medium', 'practice', NULL, 9),
    -- Mandate fit raises these by itself, as in the default template.
    ('not_qualified_custodian', 'Not a qualified custodian',
     'The mandate calls for a qualified custodian, and this provider is not one.',
     'critical', 'beginner_mistake', 'qualified_custodian', 10),
    ('no_region_licence', 'No licence for a mandate region',
     'The custodian holds no licence or registration covering at least one region in the mandate, or our entity is not eligible there.',
     'high', 'beginner_mistake', 'region_licence', 11),
    ('no_staking', 'Staking not available from custody',
     'The mandate needs staking, and the custodian cannot stake these assets directly from custody.',
     'medium', 'practice', 'staking', 12)
) AS v (key, title, description, default_severity, origin, mandate_rule, position)
WHERE t.family = 'custody_due_inquiry' AND t.version = 1;

-- +goose Down
-- Template versions are immutable (triggers refuse UPDATE and DELETE on the
-- template tables), so the custody due inquiry template stays, as the
-- default one does in 00002; only the column goes.
ALTER TABLE shortlist_entries DROP COLUMN inversion_rationale;
