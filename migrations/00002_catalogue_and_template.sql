-- +goose Up
-- The seeded custodian catalogue (the ten providers of the source article,
-- "Top Institutional Custody Providers (2025)", last updated September 2025)
-- and version 1 of the default due-diligence template: scoring criteria,
-- checklist sections and items, and the red-flag catalogue.
--
-- Most catalogue facts come from the article, checked as of 2025-09-30. The
-- legal entities and the licence lists go further than the article (it names
-- charters only in passing), so those two facts are marked as the editors'
-- reading of public registers, with no verification date, until an admin
-- confirms them. Where the article is silent on a fact (for example the
-- key-management model of several providers) the column is left empty rather
-- than guessed; the notes say what to confirm.

WITH facts AS (
    SELECT jsonb_object_agg(
               fact,
               CASE WHEN fact IN ('legal_entity', 'licences')
                    THEN '{"source": "Custos catalogue editors, from public registers; confirm with the custodian", "verified_on": ""}'::jsonb
                    ELSE '{"source": "Top Institutional Custody Providers (2025), industry article", "verified_on": "2025-09-30"}'::jsonb
               END
           ) AS provenance
    FROM unnest(ARRAY['legal_entity', 'licences', 'qualified_custodian', 'regions',
                      'key_management', 'staking', 'settlement_network', 'fee_model']) AS fact
)
INSERT INTO custodians (slug, name, legal_entity, licences, qualified_custodian, regions,
                        key_management, staking, settlement_network, fee_model, notes,
                        provenance, created_at, updated_at)
SELECT v.slug, v.name, v.legal_entity, v.licences, v.qualified_custodian, v.regions,
       v.key_management, v.staking, v.settlement_network, v.fee_model, v.notes,
       facts.provenance, '2026-11-26T00:00:00Z'::timestamptz, '2026-11-26T00:00:00Z'::timestamptz
FROM (VALUES
    (1, 'coinbase-prime-custody', 'Coinbase Prime Custody', 'Coinbase Custody Trust Company, LLC',
     '[{"name": "NY state trust charter (limited purpose trust company)", "regulator": "NYDFS", "jurisdiction": "US"}]'::jsonb,
     true, ARRAY['US', 'GLOBAL']::text[], ARRAY['cold_storage']::text[], true,
     'Coinbase Prime',
     'Enterprise pricing in basis points on assets under custody; on-chain network fees are passed through.',
     'Suited to US managers, ETF service providers and treasuries that want deep trading liquidity and custody from one provider under New York trust oversight. Pick it when a single console for execution and custody matters most; eligibility outside the US varies. Compare with Fidelity Digital Assets and BitGo.'),

    (2, 'fidelity-digital-assets', 'Fidelity Digital Assets', 'Fidelity Digital Asset Services, LLC',
     '[{"name": "NY state trust charter (limited purpose trust company)", "regulator": "NYDFS", "jurisdiction": "US"}]'::jsonb,
     true, ARRAY['US', 'EU']::text[], ARRAY['cold_storage']::text[], false,
     'Integrated execution (trades settle without moving assets out of cold storage)',
     'Bespoke enterprise pricing agreed per client.',
     'A fit for asset managers, pension funds and corporates that want a long-established financial brand and conservative, traditionally governed operations. The source does not list staking from custody. Compare with BNY Mellon and Coinbase Prime Custody.'),

    (3, 'bitgo-custody', 'BitGo Custody', 'BitGo Trust Company, Inc.',
     '[{"name": "South Dakota state trust charter", "regulator": "South Dakota Division of Banking", "jurisdiction": "US"}, {"name": "NY state trust charter (limited purpose trust company)", "regulator": "NYDFS", "jurisdiction": "US"}]'::jsonb,
     true, ARRAY['US', 'EU', 'APAC', 'GLOBAL']::text[], ARRAY[]::text[], false,
     '',
     'Basis points on assets under custody, billed according to a published methodology.',
     'Suits funds, market makers and enterprises that need a choice of qualified custody entities across North America, EMEA and APAC, with strong policy controls. The source does not detail its key-management model or staking, so confirm both and identify which entity would contract with us. Compare with Coinbase Prime Custody and Komainu.'),

    (4, 'anchorage-digital-bank', 'Anchorage Digital Bank', 'Anchorage Digital Bank, National Association',
     '[{"name": "National trust bank charter", "regulator": "OCC", "jurisdiction": "US"}]'::jsonb,
     true, ARRAY['US']::text[], ARRAY[]::text[], true,
     '',
     'Enterprise pricing; staking terms are set asset by asset.',
     'For US institutions that want federal bank supervision combined with crypto-native technology and staking inside custody. Clients outside the US are taken on only selectively, and the source does not describe the key-management model. Compare with Coinbase Prime Custody and Fidelity Digital Assets.'),

    (5, 'bny-mellon-digital-asset-custody', 'BNY Mellon Digital Asset Custody', 'The Bank of New York Mellon',
     '[{"name": "New York state-chartered bank", "regulator": "NYDFS", "jurisdiction": "US"}]'::jsonb,
     true, ARRAY['US', 'EU']::text[], ARRAY[]::text[], false,
     '',
     'Custom pricing, packaged within the bank''s service bundles.',
     'Suits asset servicers, traditional funds and banks that want digital assets handled on the same global custody platform as their other holdings. Ask for the key-management model, which the source does not state. Compare with Fidelity Digital Assets and Sygnum Bank.'),

    (6, 'gemini-custody', 'Gemini Custody', 'Gemini Trust Company, LLC',
     '[{"name": "NY state trust charter (limited purpose trust company)", "regulator": "NYDFS", "jurisdiction": "US"}]'::jsonb,
     true, ARRAY['US', 'GLOBAL']::text[], ARRAY['cold_storage', 'air_gapped']::text[], false,
     '',
     'Plans tailored to each client; network fees are charged on top.',
     'A fit for managers and corporates who want conservative, custody-only cold storage with no bundled trading desk. Optional insurance is offered for some assets, and eligibility outside the US varies. Compare with BitGo and Coinbase Prime Custody.'),

    (7, 'komainu', 'Komainu', 'Komainu (Jersey) Limited and affiliated regulated entities',
     '[{"name": "Registration under the Financial Services (Jersey) Law", "regulator": "JFSC", "jurisdiction": "JE"}, {"name": "Virtual asset service provider licence (Dubai)", "regulator": "VARA", "jurisdiction": "AE"}, {"name": "Cryptoasset firm registration", "regulator": "FCA", "jurisdiction": "UK"}, {"name": "Virtual asset service provider registration", "regulator": "OAM", "jurisdiction": "IT"}]'::jsonb,
     false, ARRAY['EU', 'UK', 'MENA', 'JE', 'AE', 'IT']::text[], ARRAY[]::text[], true,
     '',
     'Enterprise pricing quoted on request.',
     'Backed by Nomura, it suits cross-border institutions that need segregated custody and staking under regulators in Jersey, the UK, Dubai and Italy. It is not a qualified custodian in the US sense, so check the mandate first. Compare with Zodia Custody and BitGo.'),

    (8, 'zodia-custody', 'Zodia Custody', 'Zodia Custody Limited',
     '[{"name": "Cryptoasset firm registration", "regulator": "FCA", "jurisdiction": "UK"}, {"name": "Virtual asset service provider registration", "regulator": "Central Bank of Ireland", "jurisdiction": "IE"}, {"name": "Virtual asset service provider registration", "regulator": "CSSF", "jurisdiction": "LU"}, {"name": "Financial services permission (ADGM)", "regulator": "ADGM FSRA", "jurisdiction": "AE"}]'::jsonb,
     false, ARRAY['UK', 'EU', 'MENA', 'APAC', 'IE', 'LU', 'AE']::text[], ARRAY['cold_storage', 'air_gapped']::text[], false,
     '',
     'Custom pricing per client.',
     'Suits asset managers and treasuries that want custody affiliated with a bank (Standard Chartered) and permissions spanning the UK, Ireland, Luxembourg and Abu Dhabi. It is not a qualified custodian in the US sense. Compare with Komainu and BNY Mellon.'),

    (9, 'sygnum-bank', 'Sygnum Bank', 'Sygnum Bank AG',
     '[{"name": "Swiss banking and securities firm licence", "regulator": "FINMA", "jurisdiction": "CH"}, {"name": "Capital Markets Services licence (Singapore entity)", "regulator": "MAS", "jurisdiction": "SG"}]'::jsonb,
     true, ARRAY['EU', 'APAC', 'CH', 'SG']::text[], ARRAY[]::text[], true,
     'Sygnum Connect (24/7 instant settlement)',
     'Basis points on assets under custody according to the bank''s published price list.',
     'Fits European and Asian institutions that want Swiss bank supervision, ring-fenced custody kept off the bank''s balance sheet, staking, and round-the-clock settlement of fiat, crypto and stablecoins. Recorded as a qualified custodian because it is a FINMA-licensed bank holding client assets segregated, but it holds no US charter, so a US adviser''s counsel should confirm it counts as a qualified foreign financial institution. Compare with AMINA Bank and BNY Mellon.'),

    (10, 'hex-trust', 'Hex Trust', 'Hex Trust Limited',
     '[{"name": "Major Payment Institution licence (digital payment token services)", "regulator": "MAS", "jurisdiction": "SG"}, {"name": "Trust or company service provider licence", "regulator": "Hong Kong Companies Registry", "jurisdiction": "HK"}, {"name": "Virtual asset service provider licence (Dubai)", "regulator": "VARA", "jurisdiction": "AE"}]'::jsonb,
     false, ARRAY['APAC', 'MENA', 'HK', 'SG', 'AE']::text[], ARRAY[]::text[], true,
     '',
     'Enterprise pricing; an insurance programme is disclosed.',
     'Aimed at funds, foundations and corporates in Hong Kong, Singapore and the Middle East that want APAC-native licensing, segregated on-chain accounts with granular sub-accounts, and staking. It is not a qualified custodian in the US sense, and availability depends on licensing in each place. Compare with Sygnum Bank and Komainu.')
) AS v (ord, slug, name, legal_entity, licences, qualified_custodian, regions,
        key_management, staking, settlement_network, fee_model, notes)
CROSS JOIN facts
ORDER BY v.ord;

-- The default template, version 1.
INSERT INTO templates (family, version, name, description, created_at)
VALUES ('default', 1, 'Institutional custodian due diligence',
        'Weighted scoring, a checklist and a red-flag catalogue for comparing institutional crypto custodians against a fund''s mandate.',
        '2026-11-26T00:00:00Z');

INSERT INTO template_criteria (template_id, key, name, description, weight, position)
SELECT t.id, v.key, v.name, v.description, v.weight, v.position
FROM templates t
CROSS JOIN (VALUES
    ('liquidity', 'Liquidity',
     'How deep the connected venues and counterparties are, which settlement rails exist, and how closely custody is tied to prime brokerage and execution.',
     30, 1),
    ('security', 'Security',
     'How keys are protected (HSM or MPC), how assets are kept offline and segregated, what independent audits and SOC reports exist, and what insurance is disclosed.',
     25, 2),
    ('coverage', 'Coverage',
     'Range of supported assets from BTC and ETH to the long tail, staking from custody, and support for tokenized products.',
     15, 3),
    ('costs', 'Costs',
     'Clarity of billing: custody fees in basis points on assets under custody and their tiers, treatment of network fees, and minimums.',
     15, 4),
    ('ux', 'UX',
     'Quality of the console, the policy controls, the APIs and the reports the team works with every day.',
     10, 5),
    ('support', 'Support',
     'Hands-on operational help, committed service levels, incident handling and how fast onboarding goes.',
     5, 6)
) AS v (key, name, description, weight, position)
WHERE t.family = 'default' AND t.version = 1;

INSERT INTO template_sections (template_id, key, title, position)
SELECT t.id, v.key, v.title, v.position
FROM templates t
CROSS JOIN (VALUES
    ('regulatory_fit', 'Regulatory fit', 1),
    ('asset_coverage', 'Asset coverage', 2),
    ('operational_controls', 'Operational controls', 3),
    ('settlement_liquidity', 'Settlement and liquidity', 4),
    ('fees', 'Fees', 5),
    ('reporting_audit', 'Reporting and audit', 6),
    ('support', 'Support', 7),
    ('security_compliance', 'Security and compliance practices', 8)
) AS v (key, title, position)
WHERE t.family = 'default' AND t.version = 1;

INSERT INTO template_items (template_id, section_key, key, prompt, guidance, evidence_required, position)
SELECT t.id, v.section_key, v.key, v.prompt, v.guidance, v.evidence_required, v.position
FROM templates t
CROSS JOIN (VALUES
    -- Regulatory fit
    ('regulatory_fit', 'regulatory_fit.charter',
     'Does the custodian hold a trust or bank charter, or another status that makes it a qualified custodian under the rules our fund is bound by?',
     'Obtain the charter or licence and check it against the regulator''s public register. Ask counsel whether our advisers, LPA or fund documents require a qualified custodian.',
     true, 1),
    ('regulatory_fit', 'regulatory_fit.region_licences',
     'Is the contracting entity licensed or registered in every jurisdiction our mandate covers, and are we eligible as a client there?',
     'Map each mandate region to a named entity, licence and regulator, and look each one up on the regulator''s register. Note any restriction on client types or eligibility.',
     true, 2),
    ('regulatory_fit', 'regulatory_fit.legal_structure',
     'Is it clear which legal entity would hold our assets, who owns that entity, and how client assets are treated if it becomes insolvent?',
     'Ask for the group structure chart and the custody agreement clauses (or a legal opinion) showing assets are held for clients, off the custodian''s balance sheet and out of reach of its creditors.',
     true, 3),
    ('regulatory_fit', 'regulatory_fit.enforcement_history',
     'Have the custodian or its parent faced enforcement actions, consent orders or licence conditions in recent years?',
     'Search the regulators'' enforcement databases and ask for a written disclosure. Judge whether each finding has been remediated.',
     false, 4),

    -- Asset coverage
    ('asset_coverage', 'asset_coverage.required_assets',
     'Does the custodian support every asset our mandate needs, from BTC and ETH to the specific long-tail tokens we hold or plan to hold?',
     'Compare the mandate''s asset list with the supported-asset list, network by network. Note assets supported only for deposit, or only outside cold storage.',
     false, 1),
    ('asset_coverage', 'asset_coverage.staking',
     'Can we stake the proof-of-stake assets we need directly from custody, and on what terms?',
     'Confirm support asset by asset: validators used, commission taken, unbonding periods, and whether rewards land in our segregated account.',
     false, 2),
    ('asset_coverage', 'asset_coverage.new_assets',
     'How does the custodian decide to add a new asset, network or tokenized product, and how long does that usually take?',
     'Ask for the asset-onboarding policy. Look for a risk review of the token and its smart contracts, and a realistic timeline.',
     false, 3),

    -- Operational controls
    ('operational_controls', 'operational_controls.policy_engine',
     'Can we set transaction policies (amount limits, velocity limits, approver quorums) that the custodian enforces on every movement?',
     'See a demonstration or the console documentation. Check that changing a policy itself needs an approval quorum.',
     false, 1),
    ('operational_controls', 'operational_controls.role_segregation',
     'Are the roles that initiate, approve and administer transactions kept apart, so that no single person can move assets?',
     'Ask for the role matrix and how roles are granted and revoked; include the custodian''s own staff, not only ours.',
     false, 2),
    ('operational_controls', 'operational_controls.whitelists',
     'Are withdrawals restricted to whitelisted addresses, and does adding an address require approval and a waiting period?',
     'Review the whitelist workflow: who may propose an address, who approves it, and how long before it can be used.',
     false, 3),
    ('operational_controls', 'operational_controls.operational_lift',
     'Have we estimated the day-to-day work this custodian will ask of our team: approvals, whitelist upkeep, reconciliations and reporting?',
     'Walk through a typical month with operations: how many approvers and time zones are needed, how long a withdrawal takes end to end, and which reports must be produced by hand.',
     false, 4),

    -- Settlement and liquidity
    ('settlement_liquidity', 'settlement_liquidity.off_exchange_trading',
     'Can we trade while the assets stay in custody, through a prime integration, an RFQ or OTC desk, or an instant settlement network?',
     'List the venues and counterparties reachable, and how long assets sit outside segregated custody during settlement.',
     false, 1),
    ('settlement_liquidity', 'settlement_liquidity.settlement_windows',
     'What are the settlement hours and cut-offs for crypto, fiat and stablecoins, and is settlement available around the clock?',
     'Obtain the operating calendar and the process for weekends, holidays and urgent settlements.',
     false, 2),
    ('settlement_liquidity', 'settlement_liquidity.withdrawal_turnaround',
     'How long do withdrawals from cold storage take, and is that turnaround committed in writing?',
     'Compare the stated turnaround with observed performance, and ask whether faster processing is available and at what cost.',
     false, 3),

    -- Fees
    ('fees', 'fees.schedule',
     'Has the custodian given us a written fee schedule with the custody fee in basis points, its tiers and how it is calculated?',
     'Check whether the fee is charged on average or period-end assets under custody, how often it is billed, and whether the billing methodology is published.',
     true, 1),
    ('fees', 'fees.network_fees',
     'How are on-chain network fees handled: passed through at cost, marked up, or included in the custody fee?',
     'Ask for an example invoice that shows network fees line by line.',
     false, 2),
    ('fees', 'fees.other_charges',
     'Which minimums, onboarding charges, withdrawal fees and staking commissions apply?',
     'Model the total yearly cost for our expected assets and activity, compare candidates on the same basis, and weigh it against the security findings rather than choosing on price alone.',
     false, 3),

    -- Reporting and audit
    ('reporting_audit', 'reporting_audit.soc_reports',
     'Has the custodian provided current SOC 1 Type II and SOC 2 Type II reports that cover its custody operations?',
     'Check the period covered, the audit firm, the scope (entities and systems) and any exceptions. Note the complementary user-entity controls we must operate ourselves.',
     true, 1),
    ('reporting_audit', 'reporting_audit.segregated_ownership',
     'Can the custodian prove that our assets sit in segregated wallets attributable to us?',
     'Ask for wallet addresses or an attestation that lets us and our auditor reconcile balances on-chain. Pooled omnibus wallets are a red flag.',
     true, 2),
    ('reporting_audit', 'reporting_audit.insurance',
     'Is insurance coverage disclosed, with the insurer, the limits, what is covered (cold or hot storage) and the exclusions?',
     'Obtain an insurance certificate or broker letter, and check whether the limit is shared across all clients.',
     true, 3),
    ('reporting_audit', 'reporting_audit.statements_trail',
     'Do the statements, reports and the audit trail of approvals meet the needs of our fund administrator and auditor?',
     'Request sample statements and an export of the activity log, and confirm the custodian will answer audit confirmations directly.',
     false, 4),

    -- Support
    ('support', 'support.sla',
     'Is there a written service-level agreement covering response times, withdrawal processing and platform availability?',
     'Read the SLA for measurable targets, how breaches are reported, and the remedies when targets are missed.',
     true, 1),
    ('support', 'support.operations_desk',
     'Is an operations desk reachable around the clock, with named contacts for our account and a clear onboarding plan?',
     'Ask who our contacts are, what hours and channels are covered, and how many weeks onboarding typically takes.',
     false, 2),
    ('support', 'support.incident_response',
     'How would the custodian detect a security incident or outage, respond to it, and tell us about it?',
     'Obtain a summary of the incident-response plan and the contractual notification deadlines, and ask how past incidents were communicated.',
     true, 3),

    -- Security and compliance practices
    ('security_compliance', 'security_compliance.key_ceremonies',
     'Are keys generated and held in hardware security modules or MPC through documented key ceremonies, and does every withdrawal need approval from several people?',
     'Request the key-ceremony procedure and any independent witness report, and the quorum rules for signing transactions.',
     true, 1),
    ('security_compliance', 'security_compliance.policies_allowlists',
     'Before funding the account, have we set role-segregated policies and an allowlist of withdrawal addresses that the custodian enforces?',
     'Record who holds each role, the quorum for each action and the process for changing the allowlist; test that a withdrawal to an address not on the list is refused.',
     false, 2),
    ('security_compliance', 'security_compliance.kyc_aml_travel_rule',
     'Are the custodian''s KYC/AML and travel-rule workflows consistent with our fund documents and acceptable to our auditors?',
     'Compare its onboarding and counterparty screening with the fund''s AML policy and offering documents. Ask which travel-rule solution it uses and how transfers to self-hosted wallets are handled.',
     true, 3),
    ('security_compliance', 'security_compliance.staking_entitlements',
     'Are our entitlements to staking rewards and airdrops written down, and is it clear who bears a slashing loss?',
     'Read the staking terms and custody agreement for ownership of rewards, airdrops and forks, and for any slashing cover; agree how each is booked in the fund accounts.',
     true, 4),
    ('security_compliance', 'security_compliance.cold_hot_separation',
     'Is the treasury kept in cold storage, separate from the hot wallets used to route day-to-day transfers?',
     'Ask what share of assets is held cold, how hot wallets are funded and capped, and how a hot-wallet compromise would be contained.',
     false, 5)
) AS v (section_key, key, prompt, guidance, evidence_required, position)
WHERE t.family = 'default' AND t.version = 1;

INSERT INTO template_red_flags (template_id, key, title, description, default_severity, origin, mandate_rule, position)
SELECT t.id, v.key, v.title, v.description, v.default_severity, v.origin, v.mandate_rule, v.position
FROM templates t
CROSS JOIN (VALUES
    -- From the article's red flags.
    ('commingled_wallets', 'Commingled wallets',
     'Client assets are pooled with other clients'' or the custodian''s own holdings, so our ownership cannot be shown on-chain.',
     'critical', 'red_flag', NULL, 1),
    ('unclear_legal_structure', 'Unclear ownership or legal structure',
     'We cannot tell which entity would hold our assets, who controls it, or how the assets would be protected if it failed.',
     'high', 'red_flag', NULL, 2),
    ('limited_disclosures', 'Limited disclosures',
     'The custodian shares too little about its controls, audits, insurance or finances for us to form a view.',
     'medium', 'red_flag', NULL, 3),

    -- From the article's beginner mistakes.
    ('not_qualified_custodian', 'Not a qualified custodian',
     'The mandate calls for a qualified custodian, and this provider is not one.',
     'critical', 'beginner_mistake', 'qualified_custodian', 4),
    ('no_region_licence', 'No licence for a mandate region',
     'The custodian holds no licence or registration covering at least one region in the mandate, or our entity is not eligible there.',
     'high', 'beginner_mistake', 'region_licence', 5),
    ('trading_custody_mixed', 'Trading and custody mixed',
     'Trading and custody run through the same accounts or people without firm policy separation between them.',
     'high', 'beginner_mistake', NULL, 6),
    ('fees_over_security', 'Chosen on fees alone',
     'The comparison rests on price, and the security controls have not been assessed with the same care.',
     'medium', 'beginner_mistake', NULL, 7),
    ('operational_lift_underestimated', 'Operational lift underestimated',
     'The approvals, whitelist upkeep and reporting this custodian requires have not been sized against our team''s capacity.',
     'low', 'beginner_mistake', NULL, 8),

    -- From our own practice.
    ('no_staking', 'Staking not available from custody',
     'The mandate needs staking, and the custodian cannot stake these assets directly from custody.',
     'medium', 'practice', 'staking', 9),
    ('no_soc_report', 'No current SOC 1 or SOC 2 report',
     'The custodian cannot provide a recent SOC 1 or SOC 2 report covering its custody operations.',
     'high', 'practice', NULL, 10),
    ('insurance_unclear', 'Insurance unclear or undisclosed',
     'The insurer, limits or scope of cover are not disclosed, or it is unclear which assets the policy protects.',
     'medium', 'practice', NULL, 11),
    ('no_multi_person_approval', 'No multi-person withdrawal approval',
     'A single person can authorise a withdrawal; there is no quorum of approvers.',
     'high', 'practice', NULL, 12)
) AS v (key, title, description, default_severity, origin, mandate_rule, position)
WHERE t.family = 'default' AND t.version = 1;

-- +goose Down
-- Template versions are immutable (triggers refuse UPDATE and DELETE on the
-- template tables), so the default template stays; only the seeded catalogue
-- entries are removed.
DELETE FROM custodians WHERE slug IN (
    'coinbase-prime-custody', 'fidelity-digital-assets', 'bitgo-custody',
    'anchorage-digital-bank', 'bny-mellon-digital-asset-custody', 'gemini-custody',
    'komainu', 'zodia-custody', 'sygnum-bank', 'hex-trust');
