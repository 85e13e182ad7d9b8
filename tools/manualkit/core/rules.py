"""Every rule of the checker: code -> severity, message template and hint.

Messages and hints are ``str.format`` templates filled by :func:`manualkit.core.problems.make`.
Codes are stable: tests, docs/rules.md and people's notes refer to them.
"""
from __future__ import annotations

from dataclasses import dataclass

from manualkit.core.severity import Severity

E, W = Severity.ERROR, Severity.WARNING


@dataclass(frozen=True)
class Rule:
    severity: Severity
    message: str
    hint: str = ""


RULES: dict[str, Rule] = {
    # Files and YAML
    "E101": Rule(E, "the file is not valid UTF-8 text (bad byte at position {pos})",
                 "save the file as UTF-8 in your editor (\"Save with encoding\" → UTF-8)"),
    "E102": Rule(E, "the file is empty", "a module starts with front matter between two '---' lines; see docs/writing.md"),
    "E103": Rule(E, "the file has no front matter",
                 "start the file with a line '---', the metadata (id, title, ...), and another line '---'"),
    "E104": Rule(E, "the front matter is not closed",
                 "add a line with only '---' after the last metadata line"),
    "E105": Rule(E, "the YAML cannot be read: {detail}",
                 "check indentation and colons on this line and the one above; text with ':' or '#' needs quotes"),
    "E106": Rule(E, "the key '{key}' is written twice", "keep one of them; the second would silently replace the first"),
    "E107": Rule(E, "the YAML tag '{tag}' is not allowed", "write plain values without '!' tags"),
    "E108": Rule(E, "the YAML is too large or nests too deeply", "simplify it; aliases that repeat large blocks are not allowed"),
    "E109": Rule(E, "the file {what} is missing", "{fix}"),
    "E110": Rule(E, "the front matter must be a set of 'key: value' lines, not {kind}",
                 "write one 'key: value' per line, e.g. 'id: first-visit'"),
    # Schema
    "E201": Rule(E, "'{key}' is missing", "add it, for example: {example}"),
    "E202": Rule(E, "'{key}' must be {expected}, not {got}", "for example: {example}"),
    "E203": Rule(E, "'{key}' cannot be '{value}'", "allowed values: {allowed}{suggest}"),
    "E204": Rule(E, "'{key}' must be a lower-case id with letters, digits and hyphens, not '{value}'",
                 "for example: {example}"),
    "E205": Rule(E, "unknown key '{key}'{where}", "{suggest}"),
    "E206": Rule(E, "'{key}' was read as {got} because YAML reads the bare word {raw} as yes/no",
                 "put it in quotes: {quoted}"),
    "E207": Rule(E, "'{key}' must be a version like 1.2.0, not '{value}'", "use three numbers separated by dots"),
    "E208": Rule(E, "'{key}' is empty: YAML reads '{comment}' as a comment, not as the value",
                 "a value that starts with '#' needs quotes: {quoted}"),
    # Structure of the manual
    "E301": Rule(E, "module '{module}' is listed in manual.yml but has no file", "create {expected}, or remove the id from manual.yml"),
    "E302": Rule(E, "module file '{module}' is not listed in manual/manual.yml",
                 "add '{module}' to the modules of part '{part}' in manual/manual.yml"),
    "E303": Rule(E, "the id '{id}' is used twice (also {other})", "every module and part needs its own id"),
    "E304": Rule(E, "the id '{id}' does not match the file name '{stem}'", "rename the file or set 'id: {stem}'"),
    "E305": Rule(E, "module '{module}' has no source file in {lang}", "create {expected}; translations are made from it"),
    "E306": Rule(E, "the file name must be <module-id>.<language>.md, not '{name}'",
                 "for example first-visit.nb.md; languages of this manual: {languages}"),
    "E307": Rule(E, "language '{lang}' is not one of the manual's languages ({languages})",
                 "add it to 'languages' in manual/manual.yml or rename the file"),
    "E308": Rule(E, "module '{module}' is listed in part '{listed}' but lies in folder '{folder}'",
                 "move the file to manual/{listed}/ or list it under part '{folder}'"),
    "E309": Rule(E, "the id '{id}' is reserved: {why}", "choose another id, for example '{example}'"),
    # Sections and headings
    "E401": Rule(E, "the heading '{title}' has no id", "end the heading with an id: ## {title} {{#{proposal}}}"),
    "E402": Rule(E, "the section id '{id}' is used twice in this module (first on line {first})", "give each section its own id"),
    "E403": Rule(E, "the sections differ from the source {source}: {detail}",
                 "use the same '{{#id}}' on the same headings in every language"),
    "E404": Rule(E, "the heading jumps from level {prev} to level {level}", "use level {fix} here (one more '#' than the heading above)"),
    "E405": Rule(E, "a module body cannot have a level-one heading ('# ...')", "the title comes from the front matter; use '##' for sections"),
    "E406": Rule(E, "the session has no section '{id}' ({title})", "add '## {title} {{#{id}}}'; sessions need goals, materials, plan and home-practice"),
    "E407": Rule(E, "the id '{id}' on this heading must be lower-case letters, digits and hyphens", "for example {{#{proposal}}}"),
    "E408": Rule(E, "the heading attribute '{attr}' is not allowed", "only an id and the class .core are allowed: {{#my-id .core}}"),
    # Translations
    "E501": Rule(E, "a translation must not repeat the shared field '{key}'",
                 "remove it here; shared fields live in the source file {source} only"),
    "W502": Rule(W, "module '{module}' has no {lang} translation", "create {expected}; until then the site shows the {source_lang} text with a banner"),
    "W503": Rule(W, "the translation is out of date: {source} changed since it was translated",
                 "update the text, then run: manual translations mark {module} {lang}{diff}"),
    "W504": Rule(W, "the translation has no source_hash, so nobody can tell whether it is up to date",
                 "after checking it against the source, run: manual translations mark {module} {lang}"),
    "W507": Rule(W, "locales/{lang}.yml lacks {count} text{s} ({keys}); the {default} text is shown instead",
                 "copy the missing keys from locales/{default}.yml and translate them"),
    "W508": Rule(W, "there is no locales/{lang}.yml, so every interface text of the {lang} edition is shown in {default}",
                 "run: manual new language {lang} (it copies locales/{default}.yml for you to translate)"),
    "W509": Rule(W, "the glossary term '{id}' has no {lang} entry; the {default} term and definition are shown",
                 "add '{lang}: {{term: ..., definition: ...}}' to it"),
    "E505": Rule(E, "'translation.from' is '{value}', but the source of this module is in '{source_lang}'", "write 'from: {source_lang}'"),
    # References, images, sessions
    "E601": Rule(E, "the cross-reference '{target}' points to a module that does not exist{variant}", "{suggest}"),
    "E602": Rule(E, "the cross-reference '{target}' points to a section that module '{module}' does not have{variant}", "{suggest}"),
    "E603": Rule(E, "the image '{src}' does not exist", "put the image next to the module (e.g. manual/<part>/images/) and check the spelling"),
    "E604": Rule(E, "the image '{src}' has no alt text", "describe the picture: ![What the picture shows]({src})"),
    "E605": Rule(E, "'handouts' names '{id}', which is {what}", "name handout modules (type: handout) listed in manual.yml"),
    "E606": Rule(E, "the link '{target}' is not a cross-reference", "link other modules with ref:module-id or ref:module-id#section-id; external links start with https://"),
    "W607": Rule(W, "the session lists the handout '{id}' but its text does not link it", "add a link such as [the handout](ref:{id}) under Materials"),
    # Variables
    "E701": Rule(E, "the variable '{name}' is not defined{variant}", "{suggest}"),
    "E702": Rule(E, "the variable syntax is wrong: {detail}", "write variables as {{{{ service.child_welfare }}}}; to show braces, avoid '{{{{'"),
    "W703": Rule(W, "the variable '{name}' is still a placeholder{variant}: {what}", "fill it in under 'variables' in {where}"),
    "E704": Rule(E, "only plain variables like {{{{ service.child_welfare }}}} are allowed, not {what}", "remove the template logic; municipalities change text with overlays"),
    # Safety of published content
    "E801": Rule(E, "raw HTML is not allowed: {tag}", "use Markdown instead; callouts are written '::: note' ... ':::'"),
    "E802": Rule(E, "a 'javascript:', 'vbscript:' or 'data:' address is not allowed", "link to a module with ref:module-id or to a https:// address"),
    "E803": Rule(E, "raw {format} is not allowed in content", "write plain Markdown; layout belongs to the toolkit's templates"),
    "E804": Rule(E, "the path '{target}' leaves the repository", "use a path inside the repository, relative to this file"),
    "E805": Rule(E, "this looks like a Norwegian national identity number", "never put personal data in the manual; use a visibly fictional example without digits"),
    "E806": Rule(E, "an e-mail address is not allowed in a module: {value}", "put contact details in a variable (manual.yml or adaptation.yml) and write {{{{ contact.name }}}}"),
    "E807": Rule(E, "a phone number is not allowed in a module: {value}", "put contact details in a variable (manual.yml or adaptation.yml) and write {{{{ service.child_welfare_phone }}}}"),
    "E808": Rule(E, "the callout kind '{kind}' is unknown", "use one of: {allowed}"),
    "E809": Rule(E, "the callout opened on line {opened} is not closed", "add a line ':::' after its text"),
    "E810": Rule(E, "callouts cannot be nested", "close the first callout with ':::' before opening another"),
    "E811": Rule(E, "an attribute list is not allowed here: {attrs}",
                 "attributes are only for section headings ('## Title {{#id .core}}') and callouts ('::: note'); to show a brace, write \\{{"),
    "E812": Rule(E, "this paragraph is too long to check ({length} characters, at most {limit})",
                 "split it into paragraphs with blank lines between them"),
    "E815": Rule(E, "the file '{src}' cannot be published as an image: {why}",
                 "use a PNG, JPEG, WebP or SVG file; an SVG may hold only drawing: no scripts, event attributes or links to other files"),
    "E814": Rule(E, "{count} more problems in this file are not listed", "fix the problems above, then check again"),
    "E813": Rule(E, "a variable cannot be a link or image target",
                 "link to modules with ref:module-id; write web addresses out in the text"),
    "E816": Rule(E, "the number of writing lines must be a whole number from 1 to {most}, not '{value}'",
                 "write for example '::: {{.lines n=5}}', the question on the next lines, and ':::'"),
    # Accessibility and readability of content
    "W901": Rule(W, "the link text '{text}' does not say where the link goes", "use words that name the target, e.g. [safety plan](ref:safety-planning)"),
    "E902": Rule(E, "the table has no header row", "start the table with a header row and a '| --- |' line"),
    "W903": Rule(W, "the handout is hard to read: LIX {lix} (above {limit})", "use shorter sentences and shorter words; the longest sentences: {longest}"),
    # Terms (locales/glossary.yml)
    "W1201": Rule(W, "'{used}' is a deprecated term; the glossary uses '{preferred}'",
                  "write '{preferred}' instead (term '{id}' in locales/glossary.yml lists '{used}' under 'deprecated')"),
    # The intervention model (manual/intervention.yml) and the sessions' timed steps
    "E1101": Rule(E, "the steps of session '{module}' add up to {total} minutes ({steps}), but its duration is {duration} minutes{variant}",
                  "change the minutes of the steps or duration_minutes so that they agree; a municipality that shortens a session "
                  "also replaces its plan (see docs/research.md)"),
    "E1102": Rule(E, "step {number} of session '{module}' has no minutes",
                  "end the step's title with its minutes, e.g. 1. **Velkommen (10 min).**"),
    "E1103": Rule(E, "the plan of session '{module}' has no numbered steps",
                  "write the plan as a numbered list: 1. **Velkommen (10 min).** What happens ..."),
    "E1104": Rule(E, "change '{change}': the model has no field '{field}'", "{hint}"),
    "E1105": Rule(E, "change '{change}': '{field}' must be {expected}, not {got}", "for example: {example}"),
    "E1106": Rule(E, "'{key}' must have min ≤ typical ≤ max, not {min}, {typical}, {max}", "put the three numbers in order"),
    "E1107": Rule(E, "the phases last {lo} to {hi} weeks, outside the duration of {mmin}–{mmax} months ({need_lo}–{need_hi} weeks)",
                  "change the weeks of the phases (or duration_months) so that the shortest and longest plans fit the duration"),
    "E1108": Rule(E, "'{key}' names '{ref}', which is not a module or section of the manual", "{hint}"),
    "W1109": Rule(W, "the core section '{target}' has no fidelity indicator",
                  "add an indicator with 'checks: {target}' under 'indicators' in {model}"),
    "W1110": Rule(W, "the core component '{component}' has no fidelity indicator",
                  "add an indicator with 'component: {component}' under 'indicators'"),
    "W1111": Rule(W, "the text says {found} families per family partner, but the model's caseload is {model}{variant}",
                  "write {{{{ model.caseload_max }}}} instead of the number, so text and model cannot disagree"),
    "W1112": Rule(W, "the text says {found} months, but the model's duration is {model} months{variant}",
                  "write {{{{ model.duration_min_months }}}}–{{{{ model.duration_max_months }}}} instead of the numbers"),
    "W1113": Rule(W, "change '{change}' replaces '{target}', which states figures of the intervention model, but the variant changes no model value",
                  "if the figures change, also add a 'set' with 'target: model' (e.g. field: phases.follow-up.visits_per_week)"),
    "W1114": Rule(W, "the unit cost '{name}' must be a number, not '{value}'", "write the amount in kroner without units, e.g. 650"),
    "W1115": Rule(W, "the justification of change '{change}' is not written in {missing}, so pages in that language show another language",
                  "write the justification per language: justification: {{nb: ..., en: ...}}"),
    # Nynorsk and other partial languages (manual.yml partial_languages)
    "W1650": Rule(W, "'{lang}' in partial_languages is not one of the manual's other languages ({languages})",
                  "add it to 'languages' first (manual new language {lang}), or remove it from partial_languages"),
    "W1651": Rule(W, "{what} has no {lang} text; the {default} text is shown instead",
                  "add '{lang}: ...' beside the other languages in manual/manual.yml"),
    "W1652": Rule(W, "'{module}' is handed to parents but has no {lang} translation, so families who read {lang} get the {source_lang} text",
                  "translate it: create {expected} with translation: {{from: {source_lang}}}, then run manual translations mark {module} {lang}"),
    # Adaptations
    "E1001": Rule(E, "change '{change}': the {what} '{target}' does not exist in the base manual", "{suggest}"),
    "E1002": Rule(E, "change '{change}' {action} core content '{target}' without a fidelity-inconsistent record",
                  "core content may only be removed or replaced with 'frame.fidelity: inconsistent', a 'justification' and 'approved_by'"),
    "W1003": Rule(W, "change '{change}' must be reviewed: the base text of '{target}' changed since the change was made",
                  "read the change against the new base text{diff}, then run: manual adaptations accept {variant} {change}"),
    "E1004": Rule(E, "change '{change}' touches '{target}', which change '{other}' already changed",
                  "if this change builds on '{other}', add 'after: {other}' to it; otherwise merge the two changes"),
    "E1005": Rule(E, "base_version {version} is newer than the manual's version {manual_version}", "write the manual version the adaptation was made against"),
    "E1006": Rule(E, "the overlay file {file} is missing", "create it with the same section ids as the other languages' overlay"),
    "E1007": Rule(E, "change '{change}' needs {what}", "{example}"),
    "E1008": Rule(E, "the change id '{id}' is used twice", "give every change its own id"),
    "E1009": Rule(E, "the variant id '{id}' must match the folder name '{folder}'", "set 'id: {folder}'"),
    "W1010": Rule(W, "change '{change}' has no stored base hash, so drift cannot be detected",
                  "run: manual adaptations accept {variant} {change}"),
    "W1011": Rule(W, "{key} '{colour}' has a contrast of only {ratio} on white, so links and highlights on the site use the darker '{used}' ({used_ratio}) instead",
                  "to have your own colour used as it is, choose one with at least {need} on white, such as '{used}'"),
}
