"""Word banks for the synthetic UltraFeedback generator: the nouns, names and phrases texts are made of.

WHY a separate module: the banks are plain data that every text composer (prompts, responses, critiques,
benchmarks) draws from; keeping them apart keeps the composers short and lets a reader see at a glance how
much variety the generator has. Everything here is invented or generic vocabulary; nothing is copied from
the real datasets or benchmarks. A minority of entries carry non-ASCII text (accents, CJK, symbols, emoji)
because the real data does, and an ingest that only ever saw ASCII would not be tested.
"""

from __future__ import annotations

# The 17 models of the UltraFeedback pool, with a base quality (1-5 scale) that drives their ratings.
MODEL_QUALITY: dict[str, float] = {
    "gpt-4": 4.80,
    "gpt-3.5-turbo": 4.50,
    "wizardlm-70b": 4.35,
    "bard": 4.25,
    "llama-2-70b-chat": 4.25,
    "ultralm-65b": 4.20,
    "vicuna-33b": 4.15,
    "mpt-30b-chat": 3.95,
    "wizardlm-13b": 3.95,
    "llama-2-13b-chat": 3.90,
    "ultralm-13b": 3.85,
    "llama-2-7b-chat": 3.75,
    "wizardlm-7b": 3.65,
    "starchat": 3.45,
    "falcon-40b-instruct": 3.35,
    "alpaca-7b": 3.15,
    "pythia-12b": 2.75,
}
MODELS: tuple[str, ...] = tuple(MODEL_QUALITY)

PRINCIPLES: tuple[str, ...] = ("helpfulness", "truthfulness", "honesty", "verbalized_calibration")

SYSTEM_PROMPTS: dict[str, tuple[str, ...]] = {
    "helpfulness": (
        "As an AI assistant, provide not just answers but also spark curiosity. Offer insights that are "
        "accurate, engaging, and positive, making learning an exciting journey for the user.",
        "You are a helpful assistant. Make sure every answer is relevant, detailed and easy to follow.",
        "As a digital assistant, your duty is to ensure that every piece of information you give is "
        "accurate, current and relevant.",
        "Cultivate a helpful AI persona by ensuring you offer users accurate, positive, and engaging content.",
        "You are an AI assistant that helps people find information. Provide a detailed answer so the user "
        "does not need to search elsewhere.",
    ),
    "truthfulness": (
        "As an AI assistant, stick to the truth. Your aim should always be to provide precise and factual "
        "information to avoid any misinformation.",
        "You are an AI assistant. Your answers must be factually coherent; do not invent facts you are "
        "unsure of.",
        "As an AI assistant, it is important that you answer truthfully. Adhere to factual information and "
        "context while making sure you do not invent any new, unverified facts.",
    ),
    "honesty": (
        "You are an AI assistant that values honesty. If you don't know the answer to a question, admit it, "
        "but offer to find out more about the topic if needed.",
        "As an AI assistant, be honest about what you know. When uncertain, say so clearly instead of "
        "guessing.",
        "The assistant should express its confidence as a scalar at the end of the response.",
    ),
    "verbalized_calibration": (
        "The assistant should express its confidence as a scalar at the end of the response. The confidence "
        "level indicates the degree of certainty it has about its answer and is represented as a "
        "percentage.",
        "End your answer with a line 'Confidence: X%' that states how sure you are.",
    ),
}

# Subjects prompts and responses are about. A few carry non-ASCII names on purpose.
TOPICS: tuple[str, ...] = (
    "photosynthesis", "the water cycle", "binary search trees", "sourdough bread", "remote team management",
    "coastal flood defences", "the printing press", "quantum tunnelling", "urban beekeeping",
    "container gardening", "supply chain resilience", "the immune system", "plate tectonics",
    "compound interest", "solar panel efficiency", "the Silk Road", "machine translation",
    "neural network pruning", "marathon training", "public speaking", "wildfire prevention",
    "electric bicycles", "the history of jazz", "ocean acidification", "microservice architecture",
    "database indexing", "vaccine development", "the Roman aqueducts", "sleep hygiene", "game theory",
    "renewable energy storage", "language acquisition in children", "the stock market", "coral reefs",
    "cybersecurity for small businesses", "interior design on a budget", "the Mars rovers",
    "volunteer management", "customer retention", "mindfulness meditation", "recycling plastics",
    "the Industrial Revolution", "cloud cost optimisation", "sustainable fashion", "dog training",
    "the periodic table", "personal budgeting", "3D printing", "the Byzantine Empire", "soil erosion",
    "open-source licensing", "food preservation", "the human microbiome", "wind turbines",
    "regular expressions", "the French Impressionists", "emergency first aid", "time zones",
    "podcast production", "migratory birds", "inflation", "the Great Barrier Reef", "chess openings",
    "board game design", "carbon capture", "mobile app onboarding", "medieval castles",
    "the Pythagorean theorem", "hydroponics", "unit testing", "data privacy regulations",
    "coffee house culture in Vienna", "the architecture of São Paulo", "Vienna's public transport",
    "Gödel's incompleteness theorems", "the 2011 Japan earthquake", "crème brûlée", "the Polish film school",
    "Kyoto's temples", "Ramen in Sapporo", "Frida Kahlo's paintings", "the Fibonacci sequence",
    "network latency", "event sourcing", "the Krebs cycle", "volcanic eruptions", "tea ceremonies",
    "bird migration", "library classification systems", "the Apollo programme", "wetland restoration",
    "bicycle maintenance", "freelance invoicing", "the Byzantine fault tolerance problem",
    "spreadsheet formulas", "typography", "watercolour painting", "classical music composition",
)

DOMAINS: tuple[str, ...] = (
    "education", "healthcare", "finance", "agriculture", "software engineering", "marketing", "logistics",
    "tourism", "energy", "retail", "manufacturing", "journalism", "law", "urban planning", "biology",
    "astronomy", "history", "psychology", "sports", "cooking", "music", "architecture", "ecology",
)

ASPECTS: tuple[str, ...] = (
    "the historical background", "the main causes", "the economic impact", "the environmental effects",
    "the ethical concerns", "the practical applications", "the common misconceptions", "the key terminology",
    "the long-term consequences", "the costs and benefits", "the cultural significance", "recent research",
    "the risks involved", "the alternatives", "the step-by-step process", "the underlying mechanism",
)

FORMATS: tuple[str, ...] = (
    "table", "bulleted list", "short essay", "JSON object", "numbered list", "Markdown document",
    "two-paragraph summary", "Python dictionary", "comparison chart", "FAQ section",
)

LANGUAGES: tuple[str, ...] = ("Python", "JavaScript", "Java", "C++", "Go", "Rust", "SQL", "R", "TypeScript")

CODE_TASKS: tuple[str, ...] = (
    "reverses the words in a sentence", "finds the longest palindrome in a string",
    "merges two sorted lists", "counts word frequencies in a text file", "validates an email address",
    "computes the moving average of a list of numbers", "parses a CSV file and prints the totals",
    "checks whether a number is prime", "removes duplicates from an array while keeping order",
    "converts Celsius to Fahrenheit", "flattens a nested list", "finds the second largest element",
    "implements a simple LRU cache", "sends an HTTP request and retries on failure",
    "groups records by a key and sums a field", "detects a cycle in a linked list",
)

ROLES: tuple[str, ...] = (
    "a travel guide", "a senior software engineer", "a nutritionist", "a career coach", "a history teacher",
    "a startup founder", "a museum curator", "a park ranger", "a customer support agent", "a chef",
    "a financial advisor", "a science journalist", "a UX researcher", "a football coach", "a librarian",
)

PEOPLE: tuple[str, ...] = (
    "my manager", "a new client", "my landlord", "the school principal", "our investors", "my team",
    "a hiring manager", "my neighbour", "the city council", "a supplier", "my professor", "the HR department",
)

ANIMALS: tuple[str, ...] = (
    "dolphin", "penguin", "giraffe", "octopus", "hedgehog", "salmon", "eagle", "tortoise", "bat", "camel",
    "koala", "owl", "frog", "shark", "butterfly", "elephant", "snail", "crow", "zebra", "jellyfish",
)

OBJECTS: tuple[str, ...] = (
    "umbrella", "mirror", "stone", "pencil", "cloud", "river", "lamp", "bridge", "chair", "glacier", "violin",
    "cactus", "rainbow", "teapot", "compass", "mountain", "coin", "candle", "book", "clock",
)

ABILITIES: tuple[str, ...] = (
    "photosynthesise", "speak French", "fly backwards", "breathe underwater", "see ultraviolet light",
    "hibernate", "change colour", "sing", "count to ten", "read maps", "sense magnetic fields",
)

PLACES: tuple[str, ...] = (
    "Lisbon", "Nairobi", "Reykjavík", "Montreal", "Hanoi", "Kraków", "Oaxaca", "Bergen", "Cusco", "Seoul",
    "Marrakesh", "Wellington", "Valparaiso", "Tbilisi", "Ljubljana", "Osaka", "Cape Town", "Geneva",
)

# Fragments with non-ASCII characters, dropped into some prompts and responses.
NON_ASCII_FRAGMENTS: tuple[str, ...] = (
    "Thanks a lot! 😊", "🚀", "(about 20 °C)", "— just curious", "naïve approach", "the café’s menu",
    "½ cup of sugar", "€250 per month", "≈ 3.14", "résumé", "日本語でもお願いします。", "谢谢！",
    "감사합니다", "¿me puedes ayudar?", "Grüße aus München", "“quoted text”", "x² + y² = r²", "→",
    "déjà vu", "São Tomé", "Œuvre complète", "±5%", "🙏", "👍", "µs", "Ångström", "façade",
)

# Whole prompts in other languages, as sharegpt has them.
FOREIGN_PROMPTS: tuple[str, ...] = (
    "请用简单的语言解释一下{topic}是什么，用{n}句话。",
    "帮我写一封邮件，内容是关于下周{n}点的会议安排，主题是{topic}。",
    "{topic}について、初心者にも分かるように{n}行で説明してください。",
    "{topic}について、{n}つのポイントで説明してください。",
    "次の文章を英語に翻訳してください：「今日は{n}時に{topic}の会議があります。」",
    "{topic}에 대해 {n}문장으로 자세히 설명해 주세요.",
    "¿Cuáles son las ventajas y desventajas de {topic} en {place}? Responde en español, por favor.",
    "Dame {n} consejos prácticos sobre {topic}.",
    "Peux-tu m'expliquer {topic} en {n} phrases ? Merci beaucoup !",
    "Kannst du mir bitte eine kurze Zusammenfassung über {topic} in {n} Sätzen schreiben?",
    "Kannst du {n} Beispiele für {topic} in {place} nennen?",
    "Você pode me dar {n} dicas sobre {topic}?",
    "Объясни, пожалуйста, что такое {topic}, простыми словами, в {n} предложениях.",
    "Scrivi una breve poesia su {topic} in {n} versi.",
    "{topic}: 请列出{n}个常见的误解。",
)

# Sentences in other languages, for flan translation tasks.
FOREIGN_SENTENCES: dict[str, tuple[str, ...]] = {
    "Spanish": (
        "El tren llega a la estación a las ocho de la mañana.",
        "Mi abuela cocina la mejor paella del pueblo.",
        "Los niños juegan en el parque después de la escuela.",
        "¿Dónde está la biblioteca más cercana?",
        "Mañana vamos a visitar a mis primos en la montaña.",
        "La tienda cierra temprano los domingos.",
        "Ella aprendió a tocar la guitarra en un verano.",
        "El café de esta calle es famoso por sus pasteles.",
    ),
    "French": (
        "Le musée ouvre ses portes à neuf heures.",
        "Nous avons marché le long de la rivière pendant des heures.",
        "Il faut arroser les plantes deux fois par semaine.",
        "Où se trouve la gare, s'il vous plaît ?",
        "Les enfants ont construit un château de sable.",
        "Ma sœur travaille dans un hôpital à Lyon.",
        "Le marché du samedi est très animé.",
        "Nous partirons en vacances au mois d'août.",
    ),
    "German": (
        "Die Brücke wurde im neunzehnten Jahrhundert gebaut.",
        "Ich trinke jeden Morgen eine Tasse Kaffee.",
        "Über den Bergen zieht ein Gewitter auf.",
        "Der Zug nach Hamburg hat zwanzig Minuten Verspätung.",
        "Meine Großmutter backt jeden Sonntag einen Kuchen.",
        "Im Winter gehen wir oft Schlittschuh laufen.",
        "Das Museum ist montags geschlossen.",
        "Wir haben im Garten Tomaten und Gurken gepflanzt.",
    ),
    "Japanese": (
        "猫が窓のそばで眠っています。",
        "明日は雨が降るかもしれません。",
        "この本はとても面白かったです。",
        "駅の前に新しいパン屋ができました。",
        "週末は友達と山に登りました。",
        "このレストランの寿司はとてもおいしいです。",
        "私は毎朝六時に起きます。",
        "図書館は午後八時まで開いています。",
    ),
    "Chinese": (
        "我们明天早上九点在图书馆见面。",
        "这个城市的夏天非常炎热。",
        "他每天骑自行车去上班。",
        "这家餐厅的饺子特别好吃。",
        "周末我们去公园放风筝。",
        "她正在学习弹钢琴。",
        "火车站离这里不远。",
        "今年冬天比去年冷。",
    ),
    "Portuguese": (
        "A reunião foi adiada para a próxima semana.",
        "O mercado fica aberto até às dez da noite.",
        "Meu irmão joga futebol todas as tardes.",
        "A praia estava cheia no domingo.",
        "Ela comprou pão fresco na padaria.",
        "Vamos viajar para o Porto em setembro.",
        "As crianças adoram ouvir histórias antes de dormir.",
    ),
}

NOUNS: tuple[str, ...] = (
    "approach", "framework", "strategy", "process", "model", "system", "method", "tool", "resource",
    "budget", "schedule", "dataset", "prototype", "policy", "workflow", "audience", "community", "network",
    "architecture", "experiment", "routine", "technique", "pattern", "interface", "benchmark", "metric",
    "timeline", "habit", "ingredient", "material", "structure", "signal", "variable", "constraint",
)

ADJECTIVES: tuple[str, ...] = (
    "reliable", "simple", "flexible", "efficient", "robust", "practical", "affordable", "consistent",
    "scalable", "sustainable", "transparent", "careful", "gradual", "balanced", "modular", "realistic",
    "measurable", "accessible", "focused", "well-documented", "lightweight", "incremental",
)

VERBS: tuple[str, ...] = (
    "improve", "reduce", "track", "compare", "measure", "organise", "simplify", "review", "test", "plan",
    "prioritise", "document", "monitor", "adjust", "evaluate", "combine", "schedule", "analyse", "support",
)

OUTCOMES: tuple[str, ...] = (
    "better results over time", "fewer mistakes", "lower costs", "a clearer picture of the problem",
    "more predictable outcomes", "faster feedback", "less wasted effort", "higher engagement",
    "stronger long-term growth", "a smoother experience for everyone involved", "more reliable estimates",
)

CREATIVE_FORMS: tuple[str, ...] = (
    "poem", "short story", "haiku", "song", "limerick", "sonnet", "fairy tale", "script for a short play",
    "dialogue", "rap verse", "bedtime story", "piece of flash fiction",
)
