"""The Welsh of every demo text (campaigns/demo.py), keyed as the English is.

A demonstration translation, in the demo's established Welsh terms: a Welsh speaker should check
it before any real use. Texts that are empty in English (the helpline's hours, the hero image's
description, most organisations' short names and descriptions) are empty here too, and names
that are names (Stop it Now!, The Lucy Faithfull Foundation, TITAN) stay as they are. Every
figure is as the English gives it.
"""

CAMPAIGN = {
    "title": "Stop it Now! yng Ngogledd-orllewin Lloegr a Gogledd Cymru",
    "summary": (
        "Os ydych chi'n poeni am eich ymddygiad rhywiol ar-lein eich hun tuag at blant, neu am "
        "ymddygiad rhywun arall, mae llinell gymorth Stop it Now! yn cynnig help cyfrinachol am "
        "ddim cyn i niwed gael ei wneud."
    ),
    "body": """\
O fis Ionawr 2018 ymlaen, gofynnodd The Lucy Faithfull Foundation, chwe heddlu Gogledd-orllewin \
Lloegr a Gogledd Cymru a'r uned troseddau cyfundrefnol rhanbarthol i bobl ar draws y rhanbarth \
gael help os ydyn nhw'n poeni am ymddygiad rhywiol ar-lein tuag at blant: eu hymddygiad eu hunain, \
neu ymddygiad rhywun arall.

## Pwy sy'n cysylltu

Mae'r rhan fwyaf o'r bobl sy'n cysylltu â Stop it Now! yn ddynion sydd eisiau help i roi'r gorau \
i edrych ar ddelweddau rhywiol o blant. Mae mwy a mwy ohonyn nhw'n bartneriaid, yn wragedd ac yn \
rhieni sy'n poeni am rywun maen nhw'n ei garu.

## Beth sy'n digwydd pan fyddwch chi'n cysylltu

Mae'r llinell gymorth yn rhad ac am ddim ac yn gyfrinachol, a gallwch chi siarad yn Saesneg neu'n \
Gymraeg. Does dim rhaid i chi roi eich enw nac unrhyw beth arall sy'n dangos pwy ydych chi. Os \
byddwch chi'n dweud rhywbeth wrth y llinell gymorth sy'n nodi plentyn sydd mewn perygl, neu \
drosedd, caiff yr wybodaeth honno ei throsglwyddo i'r asiantaethau sydd angen gweithredu arni.
""",
    "helpline_name": "Llinell gymorth Stop it Now!",
    "helpline_hours": "",
    "helpline_confidentiality": (
        "Mae galwadau'n rhad ac am ddim ac yn gyfrinachol. Does dim rhaid i chi roi eich enw nac "
        "unrhyw fanylion sy'n dangos pwy ydych chi. Caiff gwybodaeth sy'n nodi plentyn sydd mewn "
        "perygl, neu drosedd, ei throsglwyddo i'r asiantaethau perthnasol."
    ),
    "hero_image_alt": "",
}

STATEMENT = {
    "title": "Mwy o bobl yn ceisio help gydag ymddygiad rhywiol ar-lein ar ôl ymgyrch ranbarthol",
    "summary": (
        "Yn y chwe mis ar ôl lansio'r ymgyrch, cododd nifer y bobl o Ogledd Cymru a gysylltodd â "
        "Stop it Now! o 84 i 139, ac ar draws y chwe ardal heddlu o 1,747 i 3,549."
    ),
    "body": """\
Mae ffigurau gan The Lucy Faithfull Foundation yn cymharu'r chwe mis cyn lansio'r ymgyrch ym mis \
Ionawr 2018 â'r chwe mis ar ei ôl.

Yng Ngogledd Cymru, cysylltodd 84 o bobl â llinell gymorth neu wefan Stop it Now! am ymddygiad \
rhywiol ar-lein tuag at blant yn y cyfnod cyntaf, a 139 yn yr ail. Ar draws y chwe ardal heddlu \
gyda'i gilydd, cododd y nifer o 1,747 i 3,549. Nododd Swydd Gaerhirfryn, Swydd Gaer a Cumbria \
gynnydd o 146%, 193% a 186%.

Mae'r rhan fwyaf o'r bobl sy'n cysylltu yn ddynion sy'n ceisio help i reoli eu hymddygiad eu \
hunain o ran edrych ar ddelweddau rhywiol o blant, ac mae nifer cynyddol yn bartneriaid ac yn \
rhieni sy'n poeni am rywun sy'n agos atyn nhw.
""",
}

REVIEW_STATEMENT = {
    "title": "Pam mae heddluoedd y rhanbarth yn cefnogi llinell gymorth Stop it Now!",
    "summary": (
        "Mae'r uned troseddau cyfundrefnol rhanbarthol a chwe heddlu Gogledd-orllewin Lloegr a "
        "Gogledd Cymru yn cefnogi'r llinell gymorth gyfrinachol: mae atal pobl rhag edrych ar "
        "ddelweddau rhywiol o blant yn amddiffyn plant."
    ),
    "body": """\
Mae Uned Troseddau Cyfundrefnol Rhanbarthol Gogledd-orllewin Lloegr (TITAN) a chwe heddlu \
Gogledd-orllewin Lloegr a Gogledd Cymru yn cefnogi ymgyrch Stop it Now! ar y cyd â The Lucy \
Faithfull Foundation.

Mae'r heddlu'n dweud bod edrych ar ddelweddau anweddus o blant ar-lein wedi cynyddu'n sydyn. Bob \
tro mae delwedd yn cael ei gweld, mae'r plentyn sydd ynddi yn cael ei niweidio eto, ac mae mwy o \
alw yn cael ei greu. Mae gweithio gyda phartneriaid i atal troseddu, yn ogystal â dal troseddwyr, \
yn amddiffyn plant.

Gall unrhyw un sy'n poeni am eu hymddygiad rhywiol ar-lein eu hunain tuag at blant, neu am \
ymddygiad rhywun arall, ffonio'r llinell gymorth am ddim ac yn gyfrinachol ar 0808 1000 900, yn \
Saesneg neu'n Gymraeg.
""",
}

_BARR_ROLE = (
    "Prif Gwnstabl Cynorthwyol, Arweinydd Rhanbarthol Gogledd-orllewin Lloegr ar gyfer Troseddau "
    "Difrifol a Chyfundrefnol"
)

QUOTES = {
    "findlater": {
        "role_as_quoted": "Cyfarwyddwr Llinell Gymorth Stop it Now!, The Lucy Faithfull Foundation",
        "text": (
            "Rydyn ni'n falch bod yr ymgyrch wedi gweithio cystal mor gynnar: mae bron i 600 o "
            "bobl y mis yng Ngogledd-orllewin Lloegr bellach yn dod aton ni am help. Mae'r rhan "
            "fwyaf yn ddynion sy'n ceisio rheoli'r hyn maen nhw eu hunain yn edrych arno, ac mae "
            "mwy o bartneriaid a rhieni yn ffonio am rywun maen nhw'n ei garu. Mae Stop it Now! yn "
            "lle cyfrinachol i gael help fel bod yr ymddygiad yn dod i ben ac yn aros felly, a dim "
            "ond un alwad ffôn sydd ei hangen i gael yr help hwnnw."
        ),
    },
    "barr": {
        "role_as_quoted": _BARR_ROLE,
        "text": (
            "Mae edrych ar ddelweddau anweddus o blant ar-lein wedi cynyddu'n sydyn, a hynny "
            "oherwydd technoleg, mynediad haws a'r gred nad oes neb yn gallu gwybod pwy ydych "
            "chi. Bob tro mae delwedd yn cael ei gweld, mae'r plentyn sydd ynddi yn cael ei "
            "niweidio eto, ac mae mwy o alw yn cael ei greu. Dyna pam rydyn ni'n gweithio gyda'n "
            "partneriaid ac yn defnyddio pob adnodd sydd gennym ni i amddiffyn plant ac, lle "
            "bynnag y gallwn ni, i atal troseddu."
        ),
    },
}

REVIEW_QUOTE = {
    "role_as_quoted": _BARR_ROLE,
    "text": (
        "Bob tro mae delwedd o blentyn yn cael ei gweld, mae'r plentyn hwnnw'n cael ei niweidio "
        "eto. Rydyn ni'n gweithio gyda phartneriaid fel Stop it Now! ac yn defnyddio pob adnodd "
        "sydd gennym ni i amddiffyn plant ac, lle bynnag y gallwn ni, i atal troseddu cyn iddo "
        "ddigwydd."
    ),
}

PEOPLE_ROLES = {
    "findlater": "Cyfarwyddwr Llinell Gymorth Stop it Now!",
    "barr": _BARR_ROLE,
}

PARTNER_ROLES = {
    "Lead partner, runs the helpline": "Partner arweiniol, sy'n rhedeg y llinell gymorth",
    "Regional organised crime unit": "Uned troseddau cyfundrefnol rhanbarthol",
    "Police partner": "Partner heddlu",
}

REGIONS = {
    "england": "Lloegr",
    "wales": "Cymru",
    "north-west": "Gogledd-orllewin Lloegr",
    "north-west-and-north-wales": "Gogledd-orllewin Lloegr a Gogledd Cymru",
    "cumbria": "Cumbria",
    "lancashire": "Swydd Gaerhirfryn",
    "merseyside": "Glannau Mersi",
    "greater-manchester": "Manceinion Fwyaf",
    "cheshire": "Swydd Gaer",
    "north-wales": "Gogledd Cymru",
}

REGION_DESCRIPTIONS = {
    "north-west-and-north-wales": (
        "Ardal Uned Troseddau Cyfundrefnol Rhanbarthol Gogledd-orllewin Lloegr (TITAN): pum "
        "ardal heddlu Gogledd-orllewin Lloegr ynghyd â Gogledd Cymru."
    ),
}

ORGANISATIONS = {
    "lucy-faithfull-foundation": {
        "name": "The Lucy Faithfull Foundation",
        "short_name": "",
        "description": (
            "Yr elusen amddiffyn plant ledled y DU sy'n rhedeg llinell gymorth Stop it Now! a'i "
            "gwefan."
        ),
    },
    "titan": {
        "name": "Uned Troseddau Cyfundrefnol Rhanbarthol Gogledd-orllewin Lloegr",
        "short_name": "TITAN",
        "description": (
            "Yr uned troseddau cyfundrefnol rhanbarthol ar gyfer pum heddlu Gogledd-orllewin "
            "Lloegr a Gogledd Cymru."
        ),
    },
    "lancashire-constabulary": {
        "name": "Heddlu Swydd Gaerhirfryn",
        "short_name": "",
        "description": "",
    },
    "merseyside-police": {"name": "Heddlu Glannau Mersi", "short_name": "", "description": ""},
    "greater-manchester-police": {
        "name": "Heddlu Manceinion Fwyaf",
        "short_name": "",
        "description": "",
    },
    "cheshire-constabulary": {"name": "Heddlu Swydd Gaer", "short_name": "", "description": ""},
    "cumbria-constabulary": {"name": "Heddlu Cumbria", "short_name": "", "description": ""},
    "north-wales-police": {"name": "Heddlu Gogledd Cymru", "short_name": "", "description": ""},
}

METRIC = {
    "name": "Pobl sy'n cysylltu â Stop it Now! am ymddygiad rhywiol ar-lein tuag at blant",
    "description": (
        "Pobl a gysylltodd â llinell gymorth neu wefan Stop it Now! am ymddygiad rhywiol ar-lein "
        "tuag at blant, eu hymddygiad eu hunain neu ymddygiad rhywun arall, wedi'u cyfrif yn ôl "
        "yr ardal heddlu y gwnaethon nhw gysylltu ohoni, mewn cyfnodau o chwe mis."
    ),
    "unit": "pobl",
}

REPORTED_LABELS = {
    "Change in people contacting the helpline or website from North Wales": (
        "Newid yn nifer y bobl sy'n cysylltu â'r llinell gymorth neu'r wefan o Ogledd Cymru"
    ),
    "Change in people contacting the helpline or website from Lancashire": (
        "Newid yn nifer y bobl sy'n cysylltu â'r llinell gymorth neu'r wefan o Swydd Gaerhirfryn"
    ),
    "Change in people contacting the helpline or website from Cheshire": (
        "Newid yn nifer y bobl sy'n cysylltu â'r llinell gymorth neu'r wefan o Swydd Gaer"
    ),
    "Change in people contacting the helpline or website from Cumbria": (
        "Newid yn nifer y bobl sy'n cysylltu â'r llinell gymorth neu'r wefan o Cumbria"
    ),
    "Change in people contacting the helpline or website across the six force areas": (
        "Newid yn nifer y bobl sy'n cysylltu â'r llinell gymorth neu'r wefan ar draws y chwe "
        "ardal heddlu"
    ),
    "People seeking help with online sexual behaviour towards children across the North West, "
    "at the time of the report": (
        "Pobl sy'n ceisio help gydag ymddygiad rhywiol ar-lein tuag at blant ar draws "
        "Gogledd-orllewin Lloegr, adeg yr adroddiad"
    ),
}

SOURCES = {
    "The Lucy Faithfull Foundation, figures reported in 2018": (
        "The Lucy Faithfull Foundation, ffigurau a adroddwyd yn 2018"
    ),
    "The Lucy Faithfull Foundation and partners, press statement, 2018": (
        "The Lucy Faithfull Foundation a phartneriaid, datganiad i'r wasg, 2018"
    ),
}
