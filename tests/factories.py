"""Test data: factories chain methodology → round → assessment → rating."""

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from assessments import models

STUDY_DIMENSIONS = [
    # code, scored, gating
    ("rules", True, False),
    ("demand", False, True),
    ("motivation", True, False),
    ("enforcement", True, False),
]


class MethodologyFactory(DjangoModelFactory):
    class Meta:
        model = models.Methodology
        skip_postgeneration_save = True

    code = "idea-4d"
    version = factory.Sequence(lambda n: f"test-{n}")
    title_ky = "Отчеттуулуктун төрт өлчөмү"
    title_ru = "Четыре измерения подотчётности"
    title_en = "Four dimensions of accountability"
    scale_min = 0
    scale_max = 1

    @factory.post_generation
    def dimensions(self, create, extracted, **kwargs):
        if not create:
            return
        for position, (code, scored, gating) in enumerate(extracted or STUDY_DIMENSIONS, 1):
            models.Dimension.objects.create(
                methodology=self,
                code=code,
                position=position,
                name_en=code,
                is_scored=scored,
                is_gating=gating,
            )
        for value in range(self.scale_min, self.scale_max + 1):
            models.ScaleLevel.objects.create(methodology=self, value=value, label_en=str(value))


class SubjectFactory(DjangoModelFactory):
    class Meta:
        model = models.Subject

    code = factory.Sequence(lambda n: f"subject-{n}")
    kind = models.Subject.Kind.CITIZENS
    role = models.Subject.Role.BOTH
    name_ky = factory.Sequence(lambda n: f"Субъект {n}")
    name_en = factory.Sequence(lambda n: f"Subject {n}")


class PairFactory(DjangoModelFactory):
    class Meta:
        model = models.Pair

    code = factory.Sequence(lambda n: f"pair-{n}")
    principal = factory.SubFactory(SubjectFactory)
    agent = factory.SubFactory(SubjectFactory)
    position = factory.Sequence(lambda n: n)
    name_en = factory.LazyAttribute(lambda o: f"{o.principal.code} – {o.agent.code}")


class ProcessFactory(DjangoModelFactory):
    class Meta:
        model = models.Process

    code = factory.Sequence(lambda n: f"process-{n}")
    pair = factory.SubFactory(PairFactory)
    position = factory.Sequence(lambda n: n)
    name_en = factory.Sequence(lambda n: f"Process {n}")


class RoundFactory(DjangoModelFactory):
    class Meta:
        model = models.Round

    year = factory.Sequence(lambda n: 2030 + n)
    title_en = factory.LazyAttribute(lambda o: f"Round {o.year}")
    methodology = factory.SubFactory(MethodologyFactory)
    status = models.Round.Status.DRAFT


class AssessmentFactory(DjangoModelFactory):
    class Meta:
        model = models.ProcessAssessment

    round = factory.SubFactory(RoundFactory)
    process = factory.SubFactory(ProcessFactory)
    title_en = factory.LazyAttribute(lambda o: o.process.name_en)


class RatingFactory(DjangoModelFactory):
    class Meta:
        model = models.Rating

    assessment = factory.SubFactory(AssessmentFactory)
    dimension = factory.LazyAttribute(
        lambda o: o.assessment.round.methodology.dimensions.get(code="rules")
    )
    value = 1


class LegalActFactory(DjangoModelFactory):
    class Meta:
        model = models.LegalAct

    code = factory.Sequence(lambda n: f"law-{n}")
    kind = models.LegalAct.Kind.LAW
    title_en = factory.Sequence(lambda n: f"Law {n}")


def rate(assessment, **values):
    """Rate an assessment on several dimensions at once: rate(a, rules=1, demand=0)."""
    dimensions = {d.code: d for d in assessment.round.methodology.dimensions.all()}
    return [
        models.Rating.objects.create(assessment=assessment, dimension=dimensions[code], value=v)
        for code, v in values.items()
    ]


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    is_staff = True  # may log in to the admin; what they see there depends on their groups
    password = factory.django.Password("correct horse battery")


class PanelFactory(DjangoModelFactory):
    class Meta:
        model = models.Panel

    round = factory.SubFactory(RoundFactory)
    name = factory.Sequence(lambda n: f"Panel {n}")
