"""The acupuncture point catalogue: WHO standard codes (WHO Standard Acupuncture Point Locations, 2008).

Loaded by migration 0003, and put back by `ensure_catalogue` after a database
flush (the test suite's transactional tests empty every table).

What is here: every point named in docs/clinical/acupuncture-points.md, and every point of the
six meridians that run through the leg and foot (Kidney KI1–KI10, Bladder BL36–BL67, Spleen
SP1–SP12, Stomach ST31–ST45, Liver LR1–LR12, Gallbladder GB29–GB44). The WHO
numbering of the Bladder meridian has its outer back line (BL41–BL54) between
the thigh (BL36–BL40) and the calf (BL55–BL67); those points are listed too, so
the meridian's range has no gap. Ashi (tender) points are a kind of their own.

Names: the WHO code, the standard pinyin and a common English rendering (books
differ on the English). Locations are short reminders for a trained
practitioner, written for this project; "cun" is the body-relative inch.
"""

# Points not to be needled in pregnancy without a reasoned override, and one to needle with care
# (docs/clinical/safety-rules.md#pregnancy). These only seed the catalogue's columns; from then on the
# columns are the one list (treatments/sessions/pregnancy.py), so a correction in the admin applies at once.
AVOID_IN_PREGNANCY = frozenset({"LI4", "SP6", "BL60", "BL67"})
CAUTION_IN_PREGNANCY = frozenset({"GB21"})

# The leg and foot range of each meridian, by number: a test checks every number is present.
LOWER_LIMB_RANGES = {
    "KI": range(1, 11),
    "BL": range(36, 68),
    "SP": range(1, 13),
    "ST": range(31, 46),
    "LR": range(1, 13),
    "GB": range(29, 45),
}

# meridian -> [(number, pinyin, english, location)]
_MERIDIANS: dict[str, list[tuple[int, str, str, str]]] = {
    "KI": [
        (
            1,
            "Yongquan",
            "Gushing Spring",
            "Sole, in the hollow a third of the way from the base of the 2nd and 3rd toes to the heel.",
        ),
        (2, "Rangu", "Blazing Valley", "Inner edge of the foot, below the bump of the navicular bone."),
        (
            3,
            "Taixi",
            "Great Ravine",
            "Inner ankle, in the hollow between the tip of the medial malleolus and the Achilles tendon.",
        ),
        (
            4,
            "Dazhong",
            "Large Goblet",
            "Inner heel, behind and below the medial malleolus, just in front of where the Achilles tendon "
            "meets the heel bone.",
        ),
        (5, "Shuiquan", "Water Spring", "Inner heel, 1 cun below KI3, in the hollow in front of the heel bone's bump."),
        (6, "Zhaohai", "Shining Sea", "Inner ankle, in the hollow 1 cun below the tip of the medial malleolus."),
        (7, "Fuliu", "Returning Current", "Inner lower leg, 2 cun above KI3, just in front of the Achilles tendon."),
        (
            8,
            "Jiaoxin",
            "Exchange Belief",
            "Inner lower leg, 2 cun above the medial malleolus, just behind the inner edge of the tibia.",
        ),
        (
            9,
            "Zhubin",
            "Guest House",
            "Back of the inner calf, 5 cun above KI3, between the soleus and the Achilles tendon.",
        ),
        (
            10,
            "Yingu",
            "Yin Valley",
            "Inner back of the knee, in the crease, just outside the semitendinosus tendon.",
        ),
    ],
    "BL": [
        (36, "Chengfu", "Hold and Support", "Buttock, in the middle of the crease below it (gluteal fold)."),
        (
            37,
            "Yinmen",
            "Gate of Abundance",
            "Back of the thigh, 6 cun below the gluteal fold, between the hamstring muscles.",
        ),
        (
            38,
            "Fuxi",
            "Superficial Cleft",
            "Outer back of the knee, 1 cun above the crease, on the inner side of the biceps femoris tendon.",
        ),
        (39, "Weiyang", "Outside of the Crook", "Knee crease, on the inner side of the biceps femoris tendon."),
        (40, "Weizhong", "Middle of the Crook", "Back of the knee, in the middle of the crease."),
        (41, "Fufen", "Attached Branch", "Upper back, 3 cun out from the midline, level with the 2nd thoracic spine."),
        (42, "Pohu", "Door of the Corporeal Soul", "Upper back, 3 cun out from the midline, level with T3."),
        (43, "Gaohuang", "Vital Region", "Upper back, 3 cun out from the midline, level with T4."),
        (44, "Shentang", "Spirit Hall", "Back, 3 cun out from the midline, level with T5."),
        (45, "Yixi", "Sighing Sound", "Back, 3 cun out from the midline, level with T6."),
        (46, "Geguan", "Diaphragm Pass", "Back, 3 cun out from the midline, level with T7."),
        (47, "Hunmen", "Ethereal Soul Gate", "Back, 3 cun out from the midline, level with T9."),
        (48, "Yanggang", "Yang Key Link", "Back, 3 cun out from the midline, level with T10."),
        (49, "Yishe", "Reflection Abode", "Back, 3 cun out from the midline, level with T11."),
        (50, "Weicang", "Stomach Granary", "Back, 3 cun out from the midline, level with T12."),
        (51, "Huangmen", "Vitals Gate", "Lower back, 3 cun out from the midline, level with the 1st lumbar spine."),
        (52, "Zhishi", "Will Chamber", "Lower back, 3 cun out from the midline, level with L2."),
        (
            53,
            "Baohuang",
            "Bladder Vitals",
            "Buttock, 3 cun out from the sacral midline, level with the 2nd sacral foramen.",
        ),
        (
            54,
            "Zhibian",
            "Sequential Limit",
            "Buttock, 3 cun out from the sacral midline, level with the 4th sacral foramen.",
        ),
        (55, "Heyang", "Yang Union", "Back of the calf, 2 cun below the knee crease, between the gastrocnemius heads."),
        (
            56,
            "Chengjin",
            "Sinew Support",
            "Back of the calf, 5 cun below the knee crease, in the middle of the gastrocnemius.",
        ),
        (
            57,
            "Chengshan",
            "Mountain Support",
            "Back of the calf, where the two heads of the gastrocnemius part, below their bellies.",
        ),
        (
            58,
            "Feiyang",
            "Taking Flight",
            "Outer back of the calf, 7 cun above BL60, where the outer gastrocnemius head meets the Achilles tendon.",
        ),
        (
            59,
            "Fuyang",
            "Instep Yang",
            "Outer back of the lower leg, 3 cun above BL60, in front of the Achilles tendon.",
        ),
        (
            60,
            "Kunlun",
            "Kunlun Mountains",
            "Outer ankle, in the hollow between the tip of the lateral malleolus and the Achilles tendon.",
        ),
        (61, "Pucan", "Subservient Visitor", "Outer heel, straight below BL60, where the sole's skin begins."),
        (62, "Shenmai", "Extending Vessel", "Outer ankle, in the hollow just below the tip of the lateral malleolus."),
        (
            63,
            "Jinmen",
            "Metal Gate",
            "Outer foot, below the front of the lateral malleolus, in the hollow below the cuboid bone.",
        ),
        (
            64,
            "Jinggu",
            "Capital Bone",
            "Outer edge of the foot, just in front of the bump at the base of the 5th metatarsal.",
        ),
        (
            65,
            "Shugu",
            "Bundle Bone",
            "Outer edge of the foot, in the hollow just behind the joint at the base of the little toe.",
        ),
        (
            66,
            "Zutonggu",
            "Foot Connecting Valley",
            "Outer edge of the little toe, just in front of its base joint.",
        ),
        (67, "Zhiyin", "Reaching Yin", "Little toe, outer side, just behind the corner of the nail."),
    ],
    "SP": [
        (1, "Yinbai", "Hidden White", "Big toe, inner side, just behind the corner of the nail."),
        (
            2,
            "Dadu",
            "Great Metropolis",
            "Inner edge of the foot, just in front of the big toe's base joint, where the sole's skin begins.",
        ),
        (
            3,
            "Taibai",
            "Supreme White",
            "Inner edge of the foot, just behind the big toe's base joint, where the sole's skin begins.",
        ),
        (
            4,
            "Gongsun",
            "Grandfather Grandson",
            "Inner edge of the foot, in front of and below the base of the 1st metatarsal.",
        ),
        (
            5,
            "Shangqiu",
            "Shang Hill",
            "Inner ankle, in the hollow in front of and below the medial malleolus, halfway to the navicular bump.",
        ),
        (
            6,
            "Sanyinjiao",
            "Three Yin Intersection",
            "Inner lower leg, a hand's width (3 cun) above the medial malleolus, behind the tibia.",
        ),
        (7, "Lougu", "Leaking Valley", "Inner lower leg, 6 cun above the medial malleolus, just behind the tibia."),
        (8, "Diji", "Earth Pivot", "Inner lower leg, 3 cun below SP9, just behind the tibia."),
        (9, "Yinlingquan", "Yin Mound Spring", "Inner knee, in the hollow below the medial condyle of the tibia."),
        (
            10,
            "Xuehai",
            "Sea of Blood",
            "Inner thigh, 2 cun above the inner upper corner of the kneecap, on the bulge of the vastus medialis.",
        ),
        (
            11,
            "Jimen",
            "Winnower Gate",
            "Inner thigh, a third of the way from SP12 down to the kneecap, between sartorius and adductor longus.",
        ),
        (12, "Chongmen", "Surging Gate", "Groin, in the crease, just outside the pulse of the femoral artery."),
    ],
    "ST": [
        (
            31,
            "Biguan",
            "Thigh Joint",
            "Front of the upper thigh, in the hollow between sartorius and tensor fasciae latae.",
        ),
        (
            32,
            "Futu",
            "Crouching Rabbit",
            "Front of the thigh, 6 cun above the outer upper corner of the kneecap.",
        ),
        (33, "Yinshi", "Yin Market", "Front of the thigh, 3 cun above the outer upper corner of the kneecap."),
        (
            34,
            "Liangqiu",
            "Beam Hill",
            "Front of the thigh, 2 cun above the outer upper corner of the kneecap, beside the rectus femoris tendon.",
        ),
        (35, "Dubi", "Calf's Nose", "Front of the knee, in the hollow just outside the patellar ligament."),
        (
            36,
            "Zusanli",
            "Leg Three Miles",
            "Front of the lower leg, 3 cun below the knee hollow, a finger's breadth outside the tibial crest.",
        ),
        (37, "Shangjuxu", "Upper Great Hollow", "Front of the lower leg, 6 cun below ST35, beside the tibial crest."),
        (38, "Tiaokou", "Ribbon Opening", "Front of the lower leg, 8 cun below ST35, beside the tibial crest."),
        (39, "Xiajuxu", "Lower Great Hollow", "Front of the lower leg, 9 cun below ST35, beside the tibial crest."),
        (
            40,
            "Fenglong",
            "Abundant Bulge",
            "Outer front of the lower leg, 8 cun above the lateral malleolus, at the outer edge of tibialis anterior.",
        ),
        (
            41,
            "Jiexi",
            "Ravine Divide",
            "Front of the ankle, in the hollow between the two large tendons at the level of the malleoli.",
        ),
        (
            42,
            "Chongyang",
            "Surging Yang",
            "Top of the foot, over the pulse where the 2nd metatarsal meets the cuneiform bone.",
        ),
        (
            43,
            "Xiangu",
            "Sunken Valley",
            "Top of the foot, between the 2nd and 3rd metatarsals, just behind the 2nd toe's base joint.",
        ),
        (44, "Neiting", "Inner Court", "Top of the foot, at the web between the 2nd and 3rd toes."),
        (45, "Lidui", "Severe Mouth", "Second toe, outer side, just behind the corner of the nail."),
    ],
    "LR": [
        (1, "Dadun", "Large Pile", "Big toe, outer side, just behind the corner of the nail."),
        (2, "Xingjian", "Moving Between", "Top of the foot, at the web between the 1st and 2nd toes."),
        (3, "Taichong", "Great Surge", "Top of the foot, in the hollow where the 1st and 2nd metatarsals meet."),
        (
            4,
            "Zhongfeng",
            "Middle Seal",
            "Front of the inner ankle, in the hollow on the inner side of the tibialis anterior tendon.",
        ),
        (
            5,
            "Ligou",
            "Woodworm Canal",
            "Inner lower leg, 5 cun above the medial malleolus, on the middle of the tibia's inner surface.",
        ),
        (
            6,
            "Zhongdu",
            "Central Metropolis",
            "Inner lower leg, 7 cun above the medial malleolus, on the middle of the tibia's inner surface.",
        ),
        (7, "Xiguan", "Knee Joint", "Inner lower leg, below the medial condyle of the tibia, 1 cun behind SP9."),
        (
            8,
            "Ququan",
            "Spring at the Crook",
            "Inner knee, at the inner end of the crease, beside the semitendinosus and semimembranosus tendons.",
        ),
        (
            9,
            "Yinbao",
            "Yin Wrapping",
            "Inner thigh, 4 cun above the kneecap, between the gracilis and the sartorius.",
        ),
        (10, "Zuwuli", "Foot Five Li", "Inner upper thigh, 3 cun below ST30, over the pulse of the femoral artery."),
        (11, "Yinlian", "Yin Corner", "Inner upper thigh, 2 cun below ST30."),
        (
            12,
            "Jimai",
            "Urgent Pulse",
            "Groin, beside the pubic bone, 2.5 cun out from the midline at the top of the pubic symphysis.",
        ),
    ],
    "GB": [
        (
            21,
            "Jianjing",
            "Shoulder Well",
            "Top of the shoulder, midway between the spine (C7) and the tip of the acromion.",
        ),
        (
            29,
            "Juliao",
            "Squatting Bone Hole",
            "Side of the hip, halfway between the front point of the hip bone and the top of the greater trochanter.",
        ),
        (
            30,
            "Huantiao",
            "Jumping Round",
            "Buttock, a third of the way along the line from the greater trochanter to the sacral hiatus.",
        ),
        (
            31,
            "Fengshi",
            "Wind Market",
            "Outer thigh, behind the iliotibial band, where the middle fingertip rests with the arm hanging.",
        ),
        (32, "Zhongdu", "Middle Ditch", "Outer thigh, 7 cun above the knee crease, behind the iliotibial band."),
        (
            33,
            "Xiyangguan",
            "Knee Yang Joint",
            "Outer knee, in the hollow above the lateral epicondyle of the femur, between the biceps femoris tendon "
            "and the iliotibial band.",
        ),
        (
            34,
            "Yanglingquan",
            "Yang Mound Spring",
            "Outer lower leg, in the hollow in front of and below the head of the fibula.",
        ),
        (35, "Yangjiao", "Yang Intersection", "Outer lower leg, 7 cun above the lateral malleolus, behind the fibula."),
        (36, "Waiqiu", "Outer Hill", "Outer lower leg, 7 cun above the lateral malleolus, in front of the fibula."),
        (
            37,
            "Guangming",
            "Bright Light",
            "Outer lower leg, 5 cun above the lateral malleolus, in front of the fibula.",
        ),
        (
            38,
            "Yangfu",
            "Yang Assistance",
            "Outer lower leg, 4 cun above the lateral malleolus, in front of the fibula.",
        ),
        (
            39,
            "Xuanzhong",
            "Suspended Bell",
            "Outer lower leg, 3 cun above the tip of the lateral malleolus, in front of the fibula.",
        ),
        (
            40,
            "Qiuxu",
            "Hill Ruins",
            "Front of the outer ankle, in the hollow in front of and below the lateral malleolus.",
        ),
        (
            41,
            "Zulinqi",
            "Foot Overlooking Tears",
            "Top of the foot, in the hollow where the 4th and 5th metatarsals meet.",
        ),
        (
            42,
            "Diwuhui",
            "Earth Five Meetings",
            "Top of the foot, between the 4th and 5th metatarsals, just behind the 4th toe's base joint.",
        ),
        (43, "Xiaxi", "Pinched Ravine", "Top of the foot, at the web between the 4th and 5th toes."),
        (44, "Zuqiaoyin", "Foot Portal Yin", "Fourth toe, outer side, just behind the corner of the nail."),
    ],
    "PC": [(7, "Daling", "Great Mound", "Inner wrist crease, between the two tendons in its middle.")],
    "LI": [
        (4, "Hegu", "Union Valley", "Back of the hand, beside the middle of the 2nd metacarpal, on the thumb side.")
    ],
}

# Extra points and ashi points: (code, pinyin, english, meridian, number, location)
_OTHERS: list[tuple[str, str, str, str, int | None, str]] = [
    (
        "SHIMIAN",
        "Shimian",
        "Sound Sleep",
        "EX",
        None,
        "Sole, in the centre of the heel, opposite KI1 along the foot's long axis.",
    ),
    (
        "EX-LE10",
        "Bafeng",
        "Eight Winds",
        "EX",
        10,
        "Top of the foot, the four webs between the toes of each foot (eight points in all).",
    ),
    (
        "ASHI",
        "Ashi",
        "Tender point",
        "ASHI",
        None,
        "Wherever palpation finds tenderness; record the place on the session.",
    ),
]


def _build() -> list[tuple[str, str, str, str, int | None, str, bool, bool]]:
    on_meridians = [
        (f"{meridian}{number}", pinyin, english, meridian, number, location)
        for meridian, points in _MERIDIANS.items()
        for number, pinyin, english, location in points
    ]
    return [(*row, row[0] in AVOID_IN_PREGNANCY, row[0] in CAUTION_IN_PREGNANCY) for row in [*on_meridians, *_OTHERS]]


# (code, pinyin, english, meridian, number, location, avoid_in_pregnancy, caution_in_pregnancy)
POINTS: list[tuple[str, str, str, str, int | None, str, bool, bool]] = _build()

# The protocols the clinic starts with; clinic admins change them in Settings.
DEFAULT_PROTOCOLS: dict[str, tuple[str, list[str]]] = {
    "Heel pain": (
        "Plantar heel pain: distal and local points used in trials.",
        ["PC7", "ASHI", "BL57", "KI3", "BL60", "SHIMIAN"],
    ),
    "Foot neuropathy": (
        "Numbness, tingling and burning of the feet; KI3–KI1 and ST41–LR3 suit electroacupuncture pairs.",
        ["ST36", "SP6", "SP9", "LR3", "GB39", "GB41", "EX-LE10", "KI3", "KI1", "ST41"],
    ),
}


def point_fields(row: tuple) -> dict:
    _code, pinyin, english, meridian, number, location, avoid, caution = row
    return {
        "pinyin": pinyin,
        "english": english,
        "meridian": meridian,
        "number": number,
        "location": location,
        "avoid_in_pregnancy": avoid,
        "caution_in_pregnancy": caution,
        "is_ashi": meridian == "ASHI",
    }


def ensure_catalogue(apps=None, using: str = "default", **_signal_kwargs) -> None:
    """Add catalogue points and starting protocols that are missing; never change or remove existing ones.

    Connected to post_migrate: after `migrate` it finds everything there (one
    query each), after a test-suite flush it puts the catalogue back. A clinic's
    own edits survive, and the starting protocols come back only when the clinic
    has no protocol at all (protocols are never deleted, only stopped).
    """
    from django.apps import apps as global_apps

    apps = apps or global_apps
    try:
        Point = apps.get_model("treatments", "AcupuncturePoint")
        Protocol = apps.get_model("treatments", "Protocol")
        ProtocolPoint = apps.get_model("treatments", "ProtocolPoint")
    except LookupError:  # migrating backwards past the sessions migration
        return
    points = Point.objects.using(using)
    present = set(points.values_list("code", flat=True))
    missing = [Point(code=row[0], **point_fields(row)) for row in POINTS if row[0] not in present]
    if missing:
        points.bulk_create(missing)
    if Protocol.objects.using(using).exists():
        return
    by_code = {point.code: point for point in points.all()}
    for name, (description, codes) in DEFAULT_PROTOCOLS.items():
        protocol = Protocol.objects.using(using).create(name=name, description=description)
        ProtocolPoint.objects.using(using).bulk_create(
            ProtocolPoint(protocol=protocol, point=by_code[code], side="both") for code in codes
        )
